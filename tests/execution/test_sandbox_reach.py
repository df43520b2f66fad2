"""What a block can reach of the build and of the host (issue 12, items 2, 4 and 7).

Every test runs in both sandbox modes (namespaces, and plain processes with
``namespaces="off"``). The files a block attacks here belong to the uid the
block runs as on the host, as the project, the cache and $HOME do on a build
that is not run as root: file permissions would let it in, only the sandbox
(Landlock) keeps it out. ``test_a_build_that_is_not_root...`` then runs the
whole runner as an unprivileged user, to show the same on such a build.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import uuid
from pathlib import Path

import pytest

from runner_helpers import codes, isolation, run_page
from themelion_docs.execution.isolation import NOBODY, landlock_abi

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"

MODES = [
    pytest.param("auto", id="namespaces", marks=pytest.mark.skipif(
        not isolation().namespaces, reason="o kernel não permite namespaces de usuário aqui")),
    pytest.param("off", id="plain"),
]

needs_landlock = pytest.mark.skipif(landlock_abi() < 1, reason="kernel sem Landlock (anterior ao 5.13 ou desligado)")
needs_scopes = pytest.mark.skipif(landlock_abi() < 6, reason="escopos do Landlock (sinais, sockets abstratos) vêm no ABI 6")


def page(*blocks: str, session: str | None = None) -> str:
    opt = f' session="{session}"' if session else ""
    return "\n".join(f"```python{opt}\n{textwrap.dedent(b).strip()}\n```\n" for b in blocks)


def sandbox_uid(namespaces: str) -> int:
    """The host uid a block runs as."""
    if namespaces == "auto":
        return isolation().outer_uid
    return NOBODY if os.geteuid() == 0 else os.geteuid()


def visible_base() -> Path:
    """A folder outside /tmp and /var/tmp (which each unit covers with its own)."""
    return Path("/var/lib") if os.geteuid() == 0 else Path.home()


# Python that tries each operation and prints "label: OK" or "label: <errno name>".
TRY = """
import errno, os
def tenta(rotulo, operacao):
    try:
        operacao()
        print(f"{rotulo}: OK")
    except OSError as erro:
        print(f"{rotulo}: {errno.errorcode.get(erro.errno, erro.errno)}")
"""


def denied(namespaces: str) -> set[str]:
    """How a write to the build's files fails: with namespaces every mount but the
    unit's folders is also read-only (EROFS comes first), Landlock says EACCES."""
    return {"EACCES", "EROFS"} if namespaces == "auto" else {"EACCES"}


def results(stdout: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in stdout.splitlines() if ": " in line)


@pytest.fixture
def build_tree():
    """A project as a developer has it: lesson, mkdocs.yml, example cache, site
    output and a $HOME with an SSH key, all owned by the uid given to ``make``."""
    made: list[Path] = []

    def make(owner: int) -> dict[str, Path]:
        base = visible_base() / f"themelion-construcao-{uuid.uuid4().hex[:12]}"
        made.append(base)
        paths = {
            "licao": base / "projeto/content/licao.md",
            "mkdocs": base / "projeto/mkdocs.yml",
            "cache": base / "projeto/.themelion-cache/entrada.json",
            "site": base / "projeto/site/index.html",
            "chave": base / "home/.ssh/id_ed25519",
            "bashrc": base / "home/.bashrc",
        }
        for name, path in paths.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"original {name}\n")
        paths["chave"].chmod(0o600)
        paths["chave"].parent.chmod(0o700)
        for folder, _dirs, files in os.walk(base):
            os.chown(folder, owner, owner) if os.geteuid() == 0 else None
            for file in files:
                os.chown(os.path.join(folder, file), owner, owner) if os.geteuid() == 0 else None
        return paths

    yield make
    for base in made:
        shutil.rmtree(base, ignore_errors=True)


def attack(paths: dict[str, Path]) -> str:
    return TRY + f"""
tenta("anexar à lição", lambda: open({str(paths['licao'])!r}, "a").write("injetado"))
tenta("criar página", lambda: open({str(paths['licao'].with_name('nova.md'))!r}, "w"))
tenta("reescrever mkdocs.yml", lambda: open({str(paths['mkdocs'])!r}, "w"))
tenta("forjar entrada do cache", lambda: open({str(paths['cache'].with_name('forjada.json'))!r}, "w"))
tenta("trocar entrada do cache", lambda: os.replace({str(paths['cache'])!r}, {str(paths['cache'])!r} + ".x"))
tenta("plantar no site", lambda: open({str(paths['site'])!r}, "w").write("<script>"))
tenta("ler chave ssh", lambda: open({str(paths['chave'])!r}).read())
tenta("anexar ao bashrc", lambda: open({str(paths['bashrc'])!r}, "a").write("curl x | sh"))
tenta("listar o projeto", lambda: os.listdir({str(paths['licao'].parents[1])!r}))
"""


@needs_landlock
@pytest.mark.parametrize("namespaces", MODES)
def test_the_project_cache_site_and_home_are_out_of_reach_even_when_the_block_owns_them(build_tree, namespaces):
    paths = build_tree(sandbox_uid(namespaces))
    report = run_page(page(attack(paths)), namespaces=namespaces)
    [result] = report.results
    assert result.status == "passed", result.findings
    seen = results(result.stdout)
    assert len(seen) == 9, result.stdout
    assert set(seen.values()) <= denied(namespaces), seen
    for name, path in paths.items():
        assert path.read_text() == f"original {name}\n"
    assert not paths["licao"].with_name("nova.md").exists()
    assert not paths["cache"].with_name("forjada.json").exists()
    assert "Landlock ABI" in report.sandbox


METADATA = """
tenta("chmod da chave", lambda: os.chmod(CHAVE, 0o644))
tenta("utime da lição", lambda: os.utime(LICAO, (0, 0)))
tenta("xattr da lição", lambda: os.setxattr(LICAO, "user.themelion", b"x"))
"""


@pytest.mark.parametrize("namespaces", MODES)
def test_metadata_of_the_build_files_cannot_be_changed_with_namespaces(build_tree, namespaces):
    """Landlock does not govern chmod, utime or xattrs (up to ABI 7): with namespaces
    every mount but the unit's folders is read-only (EROFS). Without namespaces the
    file's owner may still change them: pinned here, and said in the README."""
    paths = build_tree(sandbox_uid(namespaces))
    before = paths["chave"].stat()
    code = TRY + METADATA.replace("CHAVE", repr(str(paths["chave"]))).replace("LICAO", repr(str(paths["licao"])))
    report = run_page(page(code), namespaces=namespaces)
    seen = results(report.results[0].stdout)
    if namespaces == "auto":
        assert set(seen.values()) == {"EROFS"}, seen
        assert paths["chave"].stat().st_mode == before.st_mode
    else:
        assert seen["chmod da chave"] == "OK", seen


@needs_landlock
@pytest.mark.parametrize("namespaces", MODES)
def test_the_builders_own_home_is_out_of_reach(namespaces):
    folder = Path.home() / f".themelion-ssh-{uuid.uuid4().hex[:12]}"
    folder.mkdir(mode=0o700)
    secret = f"-----BEGIN OPENSSH PRIVATE KEY----- {uuid.uuid4().hex}"
    (folder / "id_ed25519").write_text(secret)
    (folder / "id_ed25519").chmod(0o600)
    try:
        code = TRY + f"""
tenta("ler", lambda: print(open({str(folder / 'id_ed25519')!r}).read()))
tenta("escrever", lambda: open({str(Path.home() / '.themelion-plantado')!r}, "w"))
"""
        report = run_page(page(code), namespaces=namespaces)
        [result] = report.results
        assert secret not in result.stdout + result.stderr
        # ENOENT/EROFS where the unit masks the folder (/root, for a build run as root); EACCES otherwise
        assert set(results(result.stdout).values()) <= {"EACCES", "ENOENT", "EROFS"}, result.stdout
        assert not (Path.home() / ".themelion-plantado").exists()
    finally:
        shutil.rmtree(folder)
        (Path.home() / ".themelion-plantado").unlink(missing_ok=True)


@pytest.mark.parametrize("namespaces", MODES)
def test_the_unit_folders_python_and_node_still_work(namespaces):
    node = shutil.which("node")
    shm = Path(f"/dev/shm/themelion-{uuid.uuid4().hex[:8]}")
    code = TRY + f"""
import json, multiprocessing, os, subprocess, sys, tempfile
tenta("tmp", lambda: open(os.path.join(tempfile.gettempdir(), "a.txt"), "w").write("x"))
tenta("cwd", lambda: open("b.txt", "w").write("x"))
tenta("dev_shm", lambda: (open("{shm}", "w").write("x"), os.unlink("{shm}")))
tenta("dev_null", lambda: open("/dev/null", "w").write("x"))
tenta("urandom", lambda: open("/dev/urandom", "rb").read(8))
tenta("etc_hosts", lambda: open("/etc/hosts").read())
tenta("python", lambda: subprocess.run([sys.executable, "-c", "import sqlite3, ssl"], check=True))
tenta("node", lambda: subprocess.run([{node!r}, "-e", "1"], check=True) if {node!r} else None)
with multiprocessing.Pool(2) as pool:
    print("pool:", pool.map(abs, [-1, -2]))
"""
    report = run_page(page(code), namespaces=namespaces)
    [result] = report.results
    assert result.status == "passed", result.findings
    seen = results(result.stdout)
    assert seen == {"tmp": "OK", "cwd": "OK", "dev_shm": "OK", "dev_null": "OK", "urandom": "OK",
                    "etc_hosts": "OK", "python": "OK", "node": "OK", "pool": "[1, 2]"}, result.stdout


@needs_landlock
@pytest.mark.parametrize("namespaces", MODES)
def test_secrets_of_the_system_stay_closed_to_the_block(namespaces):
    if not Path("/etc/shadow").exists() or Path("/etc/shadow").stat().st_mode & 0o004:
        pytest.skip("sem /etc/shadow fechado nesta máquina")
    code = TRY + """
tenta("shadow", lambda: open("/etc/shadow").read())
tenta("disco", lambda: [open(f"/dev/{d}", "rb").read(1) for d in os.listdir("/dev") if d[:2] in ("sd", "vd", "nv")])
print("uid:", os.getuid())
"""
    report = run_page(page(code), namespaces=namespaces)
    seen = results(report.results[0].stdout)
    assert seen["shadow"] == "EACCES" and seen["disco"] in ("EACCES", "OK"), seen  # OK: no disk device here
    if os.geteuid() == 0 and namespaces == "off":
        assert seen["uid"] == str(NOBODY)  # a build run as root never runs blocks as root


# ---------------------------------------------------------------- item 4: quotas, /run, sockets


@pytest.mark.parametrize("namespaces", MODES)
def test_a_unit_cannot_fill_the_disk(namespaces):
    code = """
    for i in range(64):
        with open(f"bloco-{i}.bin", "wb") as f:
            f.write(b"x" * (1 << 20))
    print("escreveu tudo")
    """
    report = run_page(page(code, "print('depois')", session="s"), namespaces=namespaces, disk_mb=8)
    first, after = report.results
    assert first.status == "failed"
    assert codes(first.findings) == ["E026"], first.findings
    assert "8 MiB" in first.findings[0].message
    if namespaces == "auto":  # ENOSPC at the quota; without namespaces, a fast block is caught at its end
        assert "escreveu tudo" not in first.stdout
    assert after.status == "not-run"


@pytest.mark.parametrize("namespaces", MODES)
def test_a_unit_cannot_create_more_files_than_its_quota(namespaces):
    code = """
    import os
    os.mkdir("muitos")
    for i in range(1000):
        open(f"muitos/{i}", "w").close()
    print("criou", len(os.listdir("muitos")))
    """
    report = run_page(page(code), namespaces=namespaces, max_files=200)
    [result] = report.results
    assert codes(result.findings) == ["E026"], (result.findings, result.stdout)
    assert "200 arquivos" in result.findings[0].message


@pytest.mark.parametrize("namespaces", MODES)
def test_files_left_in_closed_folders_do_not_outlive_the_unit(namespaces, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    code = """
    import os
    os.makedirs("a/b/c")
    open("a/b/c/dados.bin", "wb").write(b"x" * 100_000)
    os.chmod("a/b/c", 0)
    os.chmod("a/b", 0)
    os.chmod("a", 0o500)
    print("fechou")
    """
    report = run_page(page(code), namespaces=namespaces)
    assert report.results[0].stdout == "fechou\n", report.results[0].findings
    assert list(tmp_path.glob("themelion-run-*")) == []


@pytest.mark.parametrize("namespaces", MODES)
def test_run_lock_does_not_persist_between_units(namespaces):
    name = f"themelion-{uuid.uuid4().hex[:12]}"
    write = TRY + f"""
tenta("escrever", lambda: open("/run/lock/{name}", "w").write("de uma unidade"))
tenta("tmp", lambda: open("/tmp/{name}", "w").write("de uma unidade"))
tenta("var_tmp", lambda: open("/var/tmp/{name}", "w").write("de uma unidade"))
"""
    read = TRY + f"""
tenta("ler", lambda: open("/run/lock/{name}").read())
"""
    try:
        report = run_page(page(write) + page(read), namespaces=namespaces)
        wrote, later = (results(r.stdout) for r in report.results)
        # with namespaces /run is the unit's own (written, then gone); without, it is not writable
        expected = "OK" if namespaces == "auto" else "EACCES"  # without namespaces: the host's folders
        assert (wrote["escrever"], wrote["tmp"], wrote["var_tmp"]) == (expected,) * 3, wrote
        assert later["ler"] == "ENOENT", later
        for folder in ("/run/lock", "/tmp", "/var/tmp"):
            assert not Path(folder, name).exists()
    finally:
        for folder in ("/run/lock", "/tmp", "/var/tmp"):
            Path(folder, name).unlink(missing_ok=True)


@pytest.fixture
def host_sockets():
    """A host daemon's unix sockets: one that is a file under /run (anyone may
    connect, as dbus or docker sockets often allow), one abstract."""
    if not os.access("/run", os.W_OK):
        pytest.skip("sem permissão de criar um socket em /run")
    folder = Path(f"/run/themelion-{uuid.uuid4().hex[:12]}")
    folder.mkdir(mode=0o755)
    path_socket = socket.socket(socket.AF_UNIX)
    path_socket.bind(str(folder / "daemon.sock"))
    os.chmod(folder / "daemon.sock", 0o666)
    path_socket.listen()
    abstract_name = f"\0themelion-{uuid.uuid4().hex[:12]}"
    abstract = socket.socket(socket.AF_UNIX)
    abstract.bind(abstract_name)
    abstract.listen()
    try:
        yield str(folder / "daemon.sock"), abstract_name
    finally:
        path_socket.close()
        abstract.close()
        shutil.rmtree(folder)


def connect_code(path: str, abstract: str) -> str:
    return TRY + f"""
import socket
def liga(endereco):
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(endereco)
tenta("arquivo", lambda: liga({path!r}))
tenta("abstrato", lambda: liga({abstract!r}))
"""


@pytest.mark.parametrize("namespaces", MODES)
def test_host_unix_sockets_are_not_reachable(namespaces, host_sockets):
    path, abstract = host_sockets
    report = run_page(page(connect_code(path, abstract)), namespaces=namespaces)
    seen = results(report.results[0].stdout)
    if namespaces == "auto":
        assert seen["arquivo"] == "ENOENT", seen  # the unit's /run is its own
        assert seen["abstrato"] in ("ECONNREFUSED", "EPERM"), seen  # another network namespace, or scoped
    else:
        if landlock_abi() >= 6:
            assert seen["abstrato"] == "EPERM", seen
        # Without namespaces there is no private /run: a socket file the host lets
        # anyone use stays reachable (the README says so). Pinned here.
        assert seen["arquivo"] == "OK", seen


@pytest.mark.parametrize("namespaces", MODES)
def test_a_socket_open_to_all_outside_the_unit_folders_stays_reachable(namespaces):
    """The limit the README states, pinned: Landlock does not govern connect(), and
    only /tmp, /var/tmp, /dev/shm and /run are the unit's own."""
    folder = visible_base() / f"themelion-sock-{uuid.uuid4().hex[:12]}"
    folder.mkdir(mode=0o755)
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(folder / "s"))
        os.chmod(folder / "s", 0o666)
        server.listen()
        report = run_page(page(connect_code(str(folder / "s"), "\0inexistente")), namespaces=namespaces)
        assert results(report.results[0].stdout)["arquivo"] == "OK", report.results[0].stdout
    finally:
        server.close()
        shutil.rmtree(folder)


@needs_scopes
@pytest.mark.parametrize("namespaces", MODES)
def test_a_block_cannot_signal_processes_outside_its_unit(namespaces):
    victim = subprocess.Popen(["sleep", "30"])
    try:
        code = TRY + f"""
import signal
tenta("matar", lambda: os.kill({victim.pid}, signal.SIGKILL))
tenta("matar o pai", lambda: os.kill(os.getppid(), signal.SIGKILL))
"""
        report = run_page(page(code), namespaces=namespaces)
        seen = results(report.results[0].stdout)
        assert victim.poll() is None
        assert seen["matar"] in ("EPERM", "ESRCH"), seen  # ESRCH: not even visible (own pid namespace)
        assert seen["matar o pai"] in ("EPERM", "OK"), seen  # OK: pid 0's parent, outside the pid namespace
    finally:
        victim.kill()
        victim.wait()


# ---------------------------------------------------------------- a build not run as root


def unprivileged_user() -> tuple[int, int] | None:
    for entry in pwd.getpwall():
        if 1000 <= entry.pw_uid < 60000:
            return entry.pw_uid, entry.pw_gid
    return (NOBODY, NOBODY)


def others_can_reach(path: Path, mode: int = 0o005) -> bool:
    """Whether any user may reach ``path`` (``mode``: the bits it needs for others)."""
    real = path.resolve()
    return real.exists() and all(os.stat(p).st_mode & 0o001 for p in real.parents) and (
        os.stat(real).st_mode & mode == mode)


def runner_python_for(uid: int, gid: int) -> str | None:
    """An interpreter the user can run with the runner's own needs (PyYAML)."""
    for python in (sys.executable, "/usr/bin/python3", "/usr/local/bin/python3"):
        if not others_can_reach(Path(python)):
            continue
        try:
            done = subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups",
                                   python, "-c", "import yaml"], capture_output=True, timeout=30,
                                  env={"PATH": "/usr/bin:/bin"})
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return python
    return None


@needs_landlock
@pytest.mark.parametrize("namespaces", MODES)
def test_a_build_that_is_not_root_keeps_blocks_out_of_its_files(build_tree, namespaces):
    """The whole runner as an unprivileged user: the sandbox's uid is the builder's."""
    if os.geteuid() != 0:
        pytest.skip("o teste troca de usuário com setpriv: rode como root (como usuário comum, os outros testes "
                    "daqui já são esse cenário)")
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv ausente")
    uid, gid = unprivileged_user()
    python = runner_python_for(uid, gid)
    if python is None:
        pytest.skip("nenhum interpretador com PyYAML acessível a um usuário comum")
    if not others_can_reach(SRC) or not others_can_reach(HERE / "unprivileged_build.py", 0o004):
        pytest.skip("o código do executor não é legível por outros usuários")
    paths = build_tree(uid)
    base = paths["licao"].parents[2]
    tmp = base / "tmp"
    tmp.mkdir()
    os.chown(tmp, uid, gid)
    cache = paths["cache"].parent
    lesson = base / "pagina.md"
    lesson.write_text(page(attack(paths), """
    import os
    os.makedirs("fechada/dentro")
    open("fechada/dentro/dados.bin", "wb").write(b"x" * 100_000)
    os.chmod("fechada/dentro", 0)
    os.chmod("fechada", 0o500)
    print("uid:", os.getuid(), os.path.basename(__file__))
    """))
    def build() -> dict:
        done = subprocess.run(
            ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", python, str(HERE / "unprivileged_build.py"),
             str(SRC), str(lesson), namespaces, str(cache), str(tmp)],
            capture_output=True, text=True, timeout=300, cwd=str(base),
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(paths["bashrc"].parent)})
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout)

    first = build()
    attacked, closed = first["results"]
    assert attacked["status"] == "passed", attacked
    assert set(results(attacked["stdout"]).values()) <= denied(namespaces), attacked["stdout"]
    for name, path in paths.items():
        assert path.read_text() == f"original {name}\n", name
    assert closed["stdout"].startswith("uid: "), closed
    assert closed["stdout"].endswith(" exemplo.py\n")
    assert list(tmp.iterdir()) == [], "a run folder (with a mode-000 folder) was left behind"
    second = build()
    assert [r["cached"] for r in second["results"]] == [True, True]
    assert [r["stdout"] for r in second["results"]] == [r["stdout"] for r in first["results"]]


# ---------------------------------------------------------------- item 7: like python exemplo.py


SCRIPT_FIDELITY = """
import os, sys

class Recurso:
    def __init__(self, nome):
        self.nome = nome
    def __del__(self):
        print("liberou", self.nome)

class Falha:
    def __del__(self):
        raise RuntimeError("no __del__")

global_ = Recurso("global")
_privado = Recurso("privado")
ciclo = Recurso("ciclo")
ciclo.eu = ciclo
falha = Falha()
print(os.path.basename(__file__), os.path.dirname(__file__) == os.getcwd(), sys.argv[0])
print(__name__)
"""


def plain_python(code: str, tmp_path: Path) -> tuple[str, str]:
    script = tmp_path / "exemplo.py"
    script.write_text(code)
    done = subprocess.run([sys.executable, "exemplo.py"], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    return done.stdout, done.stderr


@pytest.mark.parametrize("namespaces", MODES)
def test_file_and_del_at_exit_behave_like_python_exemplo_py(namespaces, tmp_path):
    expected_out, expected_err = plain_python(SCRIPT_FIDELITY, tmp_path)
    report = run_page(page(SCRIPT_FIDELITY), namespaces=namespaces)
    [result] = report.results
    assert result.status == "passed", result.findings
    assert sorted(result.stdout.splitlines()) == sorted(expected_out.splitlines())
    assert result.stdout.splitlines()[:2] == ["exemplo.py True exemplo.py", "__main__"]
    assert "RuntimeError: no __del__" in result.stderr and "RuntimeError: no __del__" in expected_err


@pytest.mark.parametrize("namespaces", MODES)
def test_del_at_exit_runs_after_the_last_block_of_a_session(namespaces):
    first = """
    class Conexao:
        def __del__(self):
            print("conexão fechada")
    conexao = Conexao()
    print("primeiro")
    """
    report = run_page(page(first, "print('segundo')", session="s"), namespaces=namespaces)
    assert [r.stdout for r in report.results] == ["primeiro\n", "segundo\nconexão fechada\n"]
