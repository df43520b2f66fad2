"""What a block can and cannot reach: environment, processes, network, files."""

from __future__ import annotations

import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from runner_helpers import daemon_spawning_code, isolation, needs_namespaces, processes_with, run_page, settings_for
from themelion_docs.execution import runner
from themelion_docs.execution.isolation import landlock_abi

HERE = Path(__file__).resolve().parent


def test_builder_secret_is_not_in_the_block_environment(secret_in_builder_env):
    report = run_page("""
```python
import os
print(sorted(os.environ))
print(any("s3cr3t" in value for value in os.environ.values()))
```
""")
    [result] = report.results
    assert result.status == "passed", result.findings
    names = eval(result.stdout.splitlines()[0])
    assert "THEMELION_TEST_SECRET" not in names
    assert set(names) <= {"PATH", "LANG", "LC_ALL", "PYTHONIOENCODING", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE",
                          "NO_COLOR", "HOME", "TMPDIR", "THEMELION_RUN"}
    assert result.stdout.splitlines()[1] == "False"


SCAN_ENVIRONS = """
```python
import os
leaks = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            if b"SECRET" in f.read():
                leaks.append(pid)
    except OSError:
        pass
print("vazou" if leaks else "limpo")
```
"""


@needs_namespaces
def test_builder_secret_is_not_readable_from_any_process_environ(secret_in_builder_env):
    report = run_page(SCAN_ENVIRONS.replace("SECRET", secret_in_builder_env))
    assert report.results[0].stdout == "limpo\n"


def test_without_namespaces_the_same_scan_finds_the_builder_secret(secret_in_builder_env):
    """The weaker fallback, pinned: a block sees the host's /proc. A build run as root
    runs the block as nobody, so the builder's environ is closed to it; a build run
    as a user shares that user's uid with the block, and the scan finds the secret."""
    report = run_page(SCAN_ENVIRONS.replace("SECRET", secret_in_builder_env), namespaces="off")
    assert report.results[0].stdout == ("limpo\n" if os.geteuid() == 0 else "vazou\n")


def test_setsid_daemons_do_not_survive_the_run():
    token = f"{uuid.uuid4().int % 10**6}.{os.getpid()}"
    report = run_page(f"""
```python
{daemon_spawning_code(token)}
def daemons():
    found = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            found += b"{token}" in open(f"/proc/{{pid}}/cmdline", "rb").read()
        except OSError:
            pass
    return found

deadline = time.monotonic() + 5
while daemons() < 2 and time.monotonic() < deadline:
    time.sleep(0.02)
print("demônios vivos:", daemons())
```
""")
    [result] = report.results
    assert result.status == "passed", result.findings
    assert result.stdout == "demônios vivos: 2\n"
    assert processes_with(f"sleep\0{token}") == []


def test_the_daemon_check_does_see_a_live_daemon():
    token = f"{uuid.uuid4().int % 10**6}.{os.getpid()}9"
    daemon = subprocess.Popen(["sleep", token], start_new_session=True)
    try:
        deadline = time.monotonic() + 5
        while not processes_with(f"sleep\0{token}") and time.monotonic() < deadline:
            time.sleep(0.01)  # /proc/PID/cmdline is empty for a moment after exec
        assert processes_with(f"sleep\0{token}") == [daemon.pid]
    finally:
        daemon.kill()
        daemon.wait()


@pytest.mark.parametrize("namespaces", ["auto", "off"])  # off: the subreaper fallback
def test_timeout_kills_the_whole_unit_including_escaped_children(namespaces):
    token = f"{uuid.uuid4().int % 10**6}.{os.getpid()}3"
    report = run_page(f"""
```python timeout="1"
import subprocess, time
subprocess.Popen(["sleep", "{token}"], start_new_session=True)
time.sleep(100)
```
""", namespaces=namespaces)
    assert report.results[0].status == "timeout"
    assert processes_with(f"sleep\0{token}") == []


def test_each_block_gets_a_fresh_working_directory_that_is_removed_afterwards(tmp_path, monkeypatch):
    # Run folders go under a temporary root of this test only, so that builds
    # running elsewhere on the machine at the same time cannot disturb the count.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "themelion-run-*")))
    assert before == set()
    report = run_page("""
```python
import os
print(os.listdir("."))
open("rascunho.txt", "w").write("oi")
```

```python
import os
print(os.listdir("."), os.environ["HOME"] == os.getcwd() == os.environ["TMPDIR"])
```
""")
    assert [r.stdout for r in report.results] == ["[]\n", "[] True\n"]
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "themelion-run-*"))) == before


def test_hash_seed_is_fixed_so_set_order_is_stable():
    page = """
```python
print(list({"maçã", "banana", "uva", "kiwi", "pera"}))
```
"""
    first = run_page(page).results[0].stdout
    assert all(run_page(page).results[0].stdout == first for _ in range(2))


def test_loopback_server_works_inside_the_sandbox():
    report = run_page("""
```python
import http.server, threading, urllib.request

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"pong")
    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/") as response:
    print(response.status, response.read().decode())
server.shutdown()
```
""")
    [result] = report.results
    assert result.status == "passed", result.findings
    assert result.stdout == "200 pong\n"


def test_two_blocks_can_bind_the_same_fixed_port_at_once():
    if not isolation().network:
        pytest.skip("sem namespace de rede as portas são do hospedeiro")
    block = """
```python
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 8000))
s.listen()
time.sleep(0.5)
print("ok")
```
"""
    report = run_page(block * 2, jobs=2)
    assert [r.stdout for r in report.results] == ["ok\n", "ok\n"]


def test_network_beyond_loopback_is_unreachable_when_isolated():
    report = run_page("""
```python
import socket
try:
    socket.create_connection(("1.1.1.1", 80), timeout=2)
    print("conectou")
except OSError as erro:
    print("bloqueado", erro.errno)
```
""")
    assert report.network_isolated == isolation().network
    if report.network_isolated:
        assert report.results[0].stdout.startswith("bloqueado")


def test_network_off_reports_no_isolation():
    report = run_page("```python\nprint(1)\n```\n", network="off")
    assert report.network_isolated is False
    assert report.results[0].stdout == "1\n"


BUILDER_FOLDERS = [
    pytest.param(HERE, id="checkout",
                 marks=pytest.mark.skipif(str(HERE).startswith(tempfile.gettempdir() + os.sep),
                                          reason="checkout under /tmp: the unit mounts its own /tmp over it")),
    pytest.param(Path(sys.base_prefix), id="interpreter"),
]

UNDER_TMP = pytest.mark.skipif(
    sys.executable.startswith(tempfile.gettempdir() + os.sep),
    reason="interpreter under /tmp (e.g. a venv there): the unit mounts its own /tmp over it",
)


@needs_namespaces
@pytest.mark.parametrize("folder", BUILDER_FOLDERS)
def test_the_builder_files_are_read_only_to_a_block(folder):
    target = folder / f"escrito-pelo-bloco-{uuid.uuid4().hex}.txt"
    try:
        report = run_page(f"""
```python
import errno
try:
    open({str(target)!r}, "w").write("não devia")
except OSError as erro:  # EROFS: a read-only mount; EACCES: file permissions, Landlock
    print(errno.errorcode[erro.errno])
```
""")
        assert report.results[0].stdout in ("EROFS\n", "EACCES\n"), report.results[0]
        assert not target.exists()
    finally:
        target.unlink(missing_ok=True)


@needs_namespaces
def test_blocks_cannot_regain_privileges():
    report = run_page("""
```python
import os
for attempt in (lambda: os.setuid(1), lambda: os.setgid(1), lambda: os.chroot("/")):
    try:
        attempt()
        print("conseguiu")
    except PermissionError:
        print("negado")
```
""")
    assert report.results[0].stdout == "negado\nnegado\nnegado\n"


@UNDER_TMP
def test_subprocesses_of_a_block_work():
    report = run_page("""
```python
import subprocess, sys
print(subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, text=True).stdout.strip())
```
""")
    assert report.results[0].stdout == "42\n", report.results[0].findings


def test_report_describes_the_sandbox():
    report = run_page("```python\npass\n```\n")
    assert report.sandbox
    assert report.python_version.count(".") == 2


def test_units_forked_from_the_preloading_server_do_not_share_random_state():
    # The fork server imports `random` once; CPython reseeds it after fork(),
    # and a change of mechanism (e.g. snapshots) must keep that property.
    page = "".join(f'\n```python\nimport random\nprint(random.random())\n```\n' for _ in range(4))
    report = run_page(page)
    draws = [r.stdout for r in report.results]
    assert all(r.status == "passed" for r in report.results)
    assert len(set(draws)) == len(draws)


def test_preloaded_modules_are_already_imported_in_a_unit():
    report = run_page('\n```python\nimport sys\nprint("asyncio" in sys.modules)\n```\n')
    assert report.results[0].stdout == "True\n"


# ---------------------------------------------------------------- files of host root

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="só como root dá para criar arquivos só de root")

READ_SECRETS = """
```python
import sys
for path in sys.argv[1:] or PATHS:
    try:
        with open(path) as f:
            print("leu", path, f.read())
    except (PermissionError, FileNotFoundError) as erro:
        print(type(erro).__name__, path)
with open("/proc/self/status") as f:
    print([line.split()[1] for line in f if line.startswith("CapEff")][0])
with open("/proc/self/uid_map") as f:
    print(sorted(int(line.split()[1]) for line in f))
```
"""


@pytest.fixture
def root_secrets() -> list[tuple[Path, str]]:
    """Files only host root can read, outside /tmp: in a 0700 folder under /var/lib
    (a world-traversable parent) and under /root (typically 0700 itself), plus a
    world-readable file directly in /root, like ~/.gitconfig."""
    made: list[Path] = []
    found = []
    for parent, mode in ((Path("/var/lib"), 0o600), (Path("/root"), 0o600)):
        folder = parent / f"themelion-segredo-{uuid.uuid4().hex}"
        folder.mkdir(mode=0o700)
        made.append(folder)
        secret = f"segredo-{uuid.uuid4().hex}"
        (folder / "segredo.txt").write_text(secret)
        (folder / "segredo.txt").chmod(mode)
        found.append((folder / "segredo.txt", secret))
    loose = Path("/root") / f".themelion-gitconfig-{uuid.uuid4().hex}"
    secret = f"segredo-{uuid.uuid4().hex}"
    loose.write_text(secret)
    loose.chmod(0o644)  # readable by anyone who can traverse /root
    made.append(loose)
    found.append((loose, secret))
    try:
        yield found
    finally:
        for path in made:
            if path.is_dir():
                for child in path.iterdir():
                    child.unlink()
                path.rmdir()
            else:
                path.unlink(missing_ok=True)


@needs_namespaces
@ROOT_ONLY
def test_a_block_cannot_read_files_only_host_root_can_read(root_secrets):
    paths = [str(path) for path, _secret in root_secrets]
    if Path("/etc/shadow").exists() and not Path("/etc/shadow").stat().st_mode & 0o004:
        paths.append("/etc/shadow")
    report = run_page(READ_SECRETS.replace("PATHS", repr(paths)))
    [result] = report.results
    assert result.status == "passed", result.findings
    lines = result.stdout.splitlines()
    for path, secret in root_secrets:
        assert secret not in result.stdout + result.stderr
    for line, path in zip(lines, paths):
        assert line.split()[0] in ("PermissionError", "FileNotFoundError"), line
        assert line.split()[1] == path
    if not isolation().read_search:
        assert lines[len(paths)] == "0000000000000000"  # no capability at all
        assert 0 not in eval(lines[len(paths) + 1])  # host root is not mapped into the unit


@needs_namespaces
def test_a_masked_directory_shows_only_what_the_interpreter_needs():
    found = isolation()
    if not found.masked:
        pytest.skip("o interpretador já é acessível a outros usuários: nada a mascarar")
    assert found.read_search is False
    hidden = {top: sorted(set(os.listdir(top)) - {os.path.basename(k) for k in kept})
              for top, kept in found.mask_plan}
    report = run_page("""
```python
import os
for top, hidden in HIDDEN.items():
    try:
        print(sorted(os.listdir(top)))
    except PermissionError:  # Landlock: the masked folder itself is not readable either
        print("negado")
    print([name for name in hidden if os.path.lexists(os.path.join(top, name))])
```
""".replace("HIDDEN", repr(hidden)))
    assert report.results[0].status == "passed", report.results[0].findings
    lines = report.results[0].stdout.splitlines()
    expected = []
    for _top, kept in found.mask_plan:
        expected += ["negado" if landlock_abi() else repr(sorted(os.path.basename(k) for k in kept)), "[]"]
    assert lines == expected
    assert "mascarado por tmpfs" in report.sandbox
    assert "nenhuma capacidade" in report.sandbox
    assert "CAP_DAC_READ_SEARCH" not in report.sandbox


def test_report_mentions_the_masking_when_the_interpreter_needs_it():
    report = run_page("```python\nprint(1)\n```\n")
    found = isolation()
    assert report.results[0].stdout == "1\n"
    for top in found.masked:
        assert f"{top} mascarado" in report.sandbox
    if found.namespaces and os.geteuid() == 0 and not found.read_search:
        assert "1 0 1" not in found.id_map


def test_mask_plan_names_the_one_blocking_ancestor():
    spec = importlib.util.spec_from_file_location("_sandbox_child_test",
                                                  HERE.parents[1] / "src/themelion_docs/execution/sandbox_child.py")
    child = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(child)
    base = Path(tempfile.mkdtemp(dir="/var/tmp" if os.path.isdir("/var/tmp") else None))  # pytest's is 0700
    base.chmod(0o755)
    closed = base / "fechado"
    (closed / "aberto" / "bin").mkdir(parents=True)
    (closed / "aberto" / "bin" / "python").write_text("")
    closed.chmod(0o700)
    try:
        program = str(closed / "aberto" / "bin" / "python")
        if any(not os.stat(p).st_mode & 0o001 for p in [str(a) for a in base.parents]):
            pytest.skip("uma pasta acima da pasta temporária já não é atravessável por outros")
        assert child.mask_plan([program]) == [[str(closed), [str(closed / "aberto")]]]
        assert child.mask_plan(["/usr/bin/env"]) == []
        (closed / "aberto").chmod(0o700)  # two blocking ancestors: not fixable by one tmpfs
        assert child.mask_plan([program]) is None
    finally:
        (closed / "aberto").chmod(0o755)
        closed.chmod(0o755)
        shutil.rmtree(base)


def test_an_isolation_record_from_before_masking_is_probed_again(tmp_path):
    settings = settings_for(cache_dir=tmp_path)
    record = tmp_path / "isolation.record"
    wanted = {"python": os.path.realpath(settings.python), "namespaces": settings.namespaces,
              "network": settings.network}
    old = {"namespaces": True, "network": True, "private_proc": True, "read_search": True, "outer_uid": 65534,
           "detail": ""}
    record.write_text(json.dumps({"for": wanted, "isolation": old}), encoding="utf-8")
    found = runner._isolation(settings, None, detect=False)
    assert found == isolation()
    assert "masked" in json.loads(record.read_text(encoding="utf-8"))["isolation"]
    assert runner._isolation(settings, None, detect=False) == found  # the new record loads back
