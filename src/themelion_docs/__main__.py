from themelion_docs.cli import main

raise SystemExit(main())
