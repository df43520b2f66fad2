"""Command line: ``themelion check | rules | explain | new``.

Exit codes: 0 no errors, 1 some page has an error, 2 usage or configuration
error. Everything printed is for authors, in Portuguese.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from themelion_docs import __version__
from themelion_docs.checker import PageSource, check_sources
from themelion_docs.config import CheckConfig, ConfigError, load_config
from themelion_docs.explain import explain_rule, rules_table
from themelion_docs.baseline import BaselineError, apply_baseline, dump_baseline, parse_baseline
from themelion_docs.page_cache import FileMemo, MemoryMemo, tool_fingerprint
from themelion_docs.guide import RuleLinks
from themelion_docs.project import Project, ProjectError, find_config, load_project
from themelion_docs.scaffold import ScaffoldError, create_lesson
from themelion_docs.reports import FORMATS, render_report, render_text

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
MAX_REPEAT = 20


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="themelion",
        description="Verifica as lições da sala Backend do Themelion.",
    )
    parser.add_argument("--version", action="version", version=f"themelion {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMANDO")

    check = commands.add_parser("check", help="verifica páginas (padrão: o docs_dir do mkdocs.yml, ou content/)")
    check.add_argument("paths", nargs="*", metavar="CAMINHO", help="arquivos .md ou pastas")
    check.add_argument("--format", choices=sorted(FORMATS), default="text", help="formato do relatório")
    check.add_argument("--output", metavar="ARQUIVO", help="grava o relatório no arquivo (o texto continua na tela)")
    check.add_argument("--select", metavar="CÓDIGOS", default="", help="só estas regras (ex. F,S001,Q010)")
    check.add_argument("--ignore", metavar="CÓDIGOS", default="", help="ignora estas regras (ex. Q091)")
    check.add_argument("--config", metavar="MKDOCS_YML", help="mkdocs.yml do projeto (padrão: procurado a partir do caminho)")
    check.add_argument("--no-hints", action="store_true", help="não mostra as dicas de correção")
    check.add_argument("--no-exec", action="store_true", help="não executa os exemplos (só verifica a estrutura)")
    check.add_argument("--no-cache", action="store_true", help="executa todos os exemplos sem usar nem gravar o cache")
    check.add_argument("--refresh", action="store_true", help="reexecuta todos os exemplos e regrava o cache")
    check.add_argument("--jobs", type=int, metavar="N", help="exemplos em paralelo (padrão: número de CPUs)")
    check.add_argument("--repeat", type=int, metavar="N", default=1,
                       help="roda cada exemplo N vezes sem cache e acusa os que mudam de uma vez para outra (E030)")
    check.add_argument("--baseline", metavar="ARQUIVO",
                       help="aceita os achados gravados neste arquivo e falha só com os novos")
    check.add_argument("--write-baseline", metavar="ARQUIVO",
                       help="grava os achados atuais como linha de base e sai com 0")
    check.add_argument("--accept", action="store_true",
                       help="grava a saída real no bloco output dos exemplos cuja saída divergiu (E011) "
                            "e mostra o que mudou; não toca em nenhum outro bloco")

    commands.add_parser("rules", help="lista as regras")
    explain = commands.add_parser("explain", help="explica uma regra")
    explain.add_argument("code", metavar="CÓDIGO", help="código ou nome da regra (ex. Q020 ou diagrama-de-sequencia)")

    new = commands.add_parser("new", help="cria uma lição a partir do modelo (templates/lesson.md.j2)")
    new.add_argument("target", metavar="MÓDULO/SLUG", help="ex. protocolos/http2 (slug em kebab-case, sem acentos)")
    new.add_argument("--title", required=True, help="título da lição, entre aspas")
    new.add_argument("--level", default=None, help="iniciante, intermediario ou avancado (padrão: iniciante)")
    new.add_argument("--order", type=int, default=None, help="posição no módulo (padrão: a próxima livre)")
    new.add_argument("--config", metavar="MKDOCS_YML", help="mkdocs.yml do projeto (padrão: procurado a partir daqui)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and EXIT_USAGE
    try:
        if args.command == "check":
            return run_check(args)
        if args.command == "rules":
            print(rules_table(load_config()), end="")
            return EXIT_OK
        if args.command == "new":
            return run_new(args)
        if args.command == "explain":
            # The project's overrides (mkdocs.yml) apply, as in the guide built with it.
            config = config_for(load_project(find_config(Path.cwd()), Path.cwd()), "", "")
            spec = config.resolve(args.code)
            if spec is None:
                raise UsageError(f"regra desconhecida: «{args.code}». Veja a lista com `themelion rules`.")
            print(explain_rule(spec, config), end="")
            return EXIT_OK
        parser.print_help()
        return EXIT_USAGE
    except (UsageError, ConfigError, ProjectError, ScaffoldError, BaselineError) as error:
        print(f"themelion: {error}", file=sys.stderr)
        return EXIT_USAGE


def run_check(args: argparse.Namespace) -> int:
    project = resolve_project(args)
    config = config_for(project, args.select, args.ignore)
    targets = [Path(p) for p in args.paths] or [project.docs_dir]
    sources = collect_sources(targets, project)
    if not sources:
        raise UsageError("nenhum arquivo .md encontrado em " + ", ".join(str(t) for t in targets))
    checked = {s.path for s in sources}
    context = [s for s in collect_sources([project.docs_dir], project) if s.path not in checked] \
        if project.docs_dir.is_dir() else []
    whole_site = not args.paths or all(Path(p).resolve() == project.docs_dir.resolve() for p in args.paths)
    if args.accept and args.no_exec:
        raise UsageError("--accept precisa executar os exemplos; tire o --no-exec")
    ran: dict = {}  # path -> PageExamples, for --accept
    memo = page_memo(project, args)
    execute = None if args.no_exec else example_executor(project, args, prune=whole_site, sink=ran, memo=memo)
    baseline = read_baseline(args.baseline) if args.baseline else None
    report = check_sources(sources, config, context_sources=context, execute=execute, memo=memo,
                           salt=tool_fingerprint() if memo is not None else "")
    if memo is not None and whole_site:
        memo.prune()
    if args.write_baseline:
        write_file(args.write_baseline, dump_baseline(report))
        print(f"linha de base gravada em {args.write_baseline}: {len(report.findings)} achado(s) aceitos")
        return EXIT_OK
    if baseline is not None:
        report = apply_baseline(report, baseline).report
    if args.accept:
        # What --accept changed goes with the text report; beside JSON/SARIF/... it goes to stderr.
        report = accept_outputs_of(report, sources, ran, config,
                                   out=sys.stdout if args.format == "text" and not args.output else sys.stderr)
    links = rule_links(project)
    formatted = render_report(args.format, report, config, hints=not args.no_hints, links=links)
    if args.output:
        write_file(args.output, formatted)
        print(render_text(report, hints=not args.no_hints, links=links) + baseline_note(report, args.baseline),
              end="")
    else:
        print(formatted + (baseline_note(report, args.baseline) if args.format == "text" else ""), end="")
    return EXIT_ERRORS if report.errors else EXIT_OK


def page_memo(project: Project, args: argparse.Namespace) -> MemoryMemo | None:
    """The per-page memo under the cache folder (``pages/``); none with --no-cache."""
    from themelion_docs.settings import DEFAULT_CACHE_DIR

    folder = project.options.get("cache_dir", DEFAULT_CACHE_DIR)
    if args.no_cache or not folder:
        return None
    return MemoryMemo(FileMemo(project.root / str(folder) / "pages"))


def rule_links(project: Project) -> RuleLinks:
    """Where the rules' pages are on the project's site (mkdocs.yml), for the reports' links."""
    return RuleLinks(site_url=project.site_url, directory_urls=project.directory_urls,
                     published=bool(project.options.get("author_guide", False)))


def read_baseline(name: str):
    try:
        return parse_baseline(Path(name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"linha de base não encontrada: {name} (crie-a com --write-baseline {name})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"não foi possível ler a linha de base {name}: {error}") from None


def baseline_note(report, name: str | None) -> str:
    if not name:
        return ""
    note = f"Linha de base ({name}): {report.meta.get('baseline_absorbed', 0)} achado(s) aceitos"
    stale = report.meta.get("baseline_stale", 0)
    if stale:
        note += f"; {stale} já corrigido(s), regrave-a com --write-baseline {name}"
    return note + "\n"


def write_file(name: str, text: str) -> None:
    try:
        Path(name).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"não foi possível gravar {name}: {error}") from None


def run_new(args: argparse.Namespace) -> int:
    """``themelion new MÓDULO/SLUG --title "..."``: writes the scaffold, never overwrites."""
    config_file = Path(args.config) if args.config else find_config(Path.cwd())
    if args.config and not config_file.is_file():
        raise UsageError(f"arquivo de configuração não encontrado: {config_file}")
    fallback = Path("content") if Path("content").is_dir() else Path.cwd()
    project = load_project(config_file, fallback)
    config = config_for(project, "", "")
    level = args.level or config.levels[0]
    path = create_lesson(args.target, args.title, level, config, project.docs_dir, project.root, order=args.order)
    marker = config.rule("L003").params["marker"]
    print(f"lição criada: {_display(path)}")
    print(f"Próximos passos: substitua cada `{marker}` e rode `themelion check {_display(path)}`.")
    if project.config_file is not None and has_nav(project.config_file):
        module = args.target.split("/")[0]
        print(publishing_note(f"{config.lessons_dir}/{module}/index.md"))
    return EXIT_OK


def publishing_note(module_index: str) -> str:
    """How a lesson reaches the site: the same words as step 4 of the author's guide."""
    return (f"Publicação: não edite o `nav:`; o plugin põe a lição no menu logo depois de `{module_index}`, "
            "na ordem do `order` do front matter (a página do módulo precisa estar no `nav:` do mkdocs.yml).")


def has_nav(config_file: Path) -> bool:
    try:
        return any(line.startswith("nav:") for line in config_file.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return False


def accept_outputs_of(report, sources: Sequence[PageSource], ran: dict, config: CheckConfig, out=None):
    """--accept: rewrite the output fences of the E011 blocks, print each change, and drop
    those findings from the report (the file now holds the real output)."""
    from dataclasses import replace

    from themelion_docs.accept import accept_outputs
    from themelion_docs.checker import load_page

    out = out or sys.stdout
    done: dict[str, set[int]] = {}
    for source in sources:
        page_examples = ran.get(source.path)
        if page_examples is None:
            continue
        page = load_page(source, config)
        if page.lesson is None:
            continue
        new, accepted, refused = accept_outputs(source.data, page.lesson, page_examples.results)
        for item in refused:
            print(f"{source.path}:{item.block_line}: saída não aceita: {item.reason}", file=out)
        if not accepted:
            continue
        path = Path(source.path)
        try:
            if path.read_bytes() != source.data:
                print(f"{source.path}: o arquivo mudou durante a verificação; nada foi gravado", file=out)
                continue
            path.write_bytes(new)
        except OSError as error:
            raise UsageError(f"não foi possível gravar {source.path}: {error}") from error
        for item in accepted:
            print(f"{source.path}:{item.output_line}: saída real gravada no bloco output "
                  f"(exemplo da linha {item.block_line}, E011):", file=out)
            print("\n".join(f"    {row}" for row in item.diff.splitlines()), file=out)
        done[source.path] = {item.output_line for item in accepted}
    if done:
        total = sum(len(lines) for lines in done.values())
        print(f"--accept: {total} bloco(s) output atualizado(s) em {len(done)} arquivo(s); revise com git diff\n", file=out)
    pages = tuple(replace(page, findings=tuple(f for f in page.findings
                                               if not (f.code == "E011" and f.line in done.get(page.path, ()))))
                  for page in report.pages)
    return replace(report, pages=pages)


def example_executor(project: Project, args: argparse.Namespace, prune: bool, sink: dict | None = None,
                     memo: MemoryMemo | None = None):
    """A callable for ``check_sources`` that runs the pages' examples."""
    from themelion_docs.examples import execute
    from themelion_docs.execution import prune_cache
    from themelion_docs.settings import runner_settings

    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs precisa ser um número inteiro maior que zero")
    if not 1 <= args.repeat <= MAX_REPEAT:
        raise UsageError(f"--repeat precisa ser um número inteiro de 1 a {MAX_REPEAT}")
    settings = runner_settings(project.options, project.root, no_cache=args.no_cache or args.repeat > 1,
                               refresh=args.refresh, jobs=args.jobs)
    progress = _terminal_progress() if sys.stderr.isatty() else None

    def run(pages):
        results, meta = execute(pages, settings, progress, repeat=args.repeat, memo=memo,
                                salt=tool_fingerprint() if memo is not None else "")
        if sink is not None:
            sink.update(results)
        if progress is not None:
            print(file=sys.stderr)
        if prune and settings.cache_dir is not None:
            keys = set().union(*(page.cache_keys for page in results.values()))
            meta = {**meta, "cache_pruned": prune_cache(settings, keys)}
        return {path: page.outcome for path, page in results.items()}, meta

    return run


def _terminal_progress():
    def show(done: int, total: int, failures: int) -> None:
        print(f"\rexemplos: {done}/{total} executados, {failures} com falha", end="", file=sys.stderr, flush=True)
    return show


def resolve_project(args: argparse.Namespace) -> Project:
    if args.config:
        config_file = Path(args.config)
        if not config_file.is_file():
            raise UsageError(f"arquivo de configuração não encontrado: {config_file}")
    else:
        start = Path(args.paths[0]) if args.paths else Path.cwd()
        config_file = find_config(start if start.exists() else Path.cwd())
        if config_file is None and not _only_files(args.paths):
            where = start if start.exists() else Path.cwd()
            raise UsageError(
                f"nenhum projeto encontrado: não há mkdocs.yml em {_display(where.resolve())} nem nas pastas "
                "acima, e sem projeto o themelion não sabe quais páginas verificar. Rode o comando dentro "
                "do projeto (a pasta do mkdocs.yml ou uma subpasta), indique-o com `--config "
                "caminho/mkdocs.yml` ou passe os arquivos .md um a um.")
    fallback = Path("content") if Path("content").is_dir() else Path.cwd()
    project = load_project(config_file, fallback)
    return project


def _only_files(paths: Sequence[str]) -> bool:
    """Explicit Markdown files: checked on their own, nothing is walked."""
    return bool(paths) and all(Path(p).is_file() and p.endswith(".md") for p in paths)


def config_for(project: Project, select: str, ignore: str) -> CheckConfig:
    options = project.options
    split = lambda text: [c.strip() for c in text.split(",") if c.strip()]  # noqa: E731
    return load_config(
        overrides=options.get("rules") or {},
        select=split(select) or list(options.get("select") or []),
        ignore=[*split(ignore), *(options.get("ignore") or [])],
        modules=options.get("modules"),
        lessons_dir=options.get("lessons_dir"),
    )


def collect_sources(targets: Sequence[Path], project: Project) -> list[PageSource]:
    sources: dict[str, PageSource] = {}
    for target in targets:
        if not target.exists():
            raise UsageError(f"caminho não encontrado: {target}")
        files = sorted(target.rglob("*.md")) if target.is_dir() else [target]
        root = _docs_root(target, project)
        for file in files:
            if not file.is_file():
                continue
            try:
                data = file.read_bytes()
            except OSError as error:
                raise UsageError(f"não foi possível ler {file}: {error}") from error
            rel = _relative(file, root)
            path = _display(file)
            sources[path] = PageSource(path=path, rel=rel, data=data)
    return [sources[key] for key in sorted(sources)]


def _docs_root(target: Path, project: Project) -> Path:
    docs = project.docs_dir.resolve()
    resolved = target.resolve()
    if resolved == docs or docs in resolved.parents:
        return docs
    return resolved if resolved.is_dir() else resolved.parent


def _relative(file: Path, root: Path) -> str:
    try:
        return file.resolve().relative_to(root).as_posix()
    except ValueError:
        return file.name


def _display(file: Path) -> str:
    try:
        return file.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return file.as_posix()
