"""Fixtures for the learners' site: one strict build per session, a local server, a browser.

The browser is Debian's Chromium driven by Playwright (``playwright install``
cannot download browsers here). Tests that need a browser skip, saying why,
only when no Chromium or no Playwright can be had; everything that can be
checked on the built HTML runs without one.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterator

import pytest
from site_support import (
    ARTIFACTS,
    CACHE,
    CHROMIUM_ARGS,
    LESSON,
    ROOT,
    Visit,
    chromium_path,
    open_visit,
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: needs Chromium (Playwright); skipped when none can be had")


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built with ``mkdocs build --strict`` (``THEMELION_SITE_CONFIG`` picks another mkdocs.yml)."""
    config = Path(os.environ.get("THEMELION_SITE_CONFIG", ROOT / "mkdocs.yml"))
    out = (tmp_path_factory.mktemp("built") / "site").resolve()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(out)],
        cwd=config.parent, env=env, capture_output=True, text=True, timeout=600,
    )
    if result.returncode != 0:
        pytest.fail("mkdocs build --strict falhou:\n" + (result.stdout + result.stderr)[-6000:], pytrace=False)
    return out


@pytest.fixture(scope="session")
def server(site_dir: Path) -> Iterator[str]:
    """Base URL of the built site served on 127.0.0.1 (a random free port)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    handler = functools.partial(Quiet, directory=str(site_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.skip("Playwright não instalado (pip install -e '.[dev]'): testes de navegador pulados")
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium não encontrado (apt-get install chromium): testes de navegador pulados")
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Error as error:
            pytest.skip(f"Chromium não abriu ({executable}): {str(error).splitlines()[0]}")
        yield launched
        launched.close()


@pytest.fixture
def visit(browser: object, server: str) -> Iterator[Visit]:
    opened = open_visit(browser, clipboard_origin=server.rstrip("/"))
    yield opened
    opened.context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def lesson_url(site_dir: Path, server: str) -> str:
    if not (site_dir / LESSON).is_file():
        pytest.skip("a lição piloto content/backend/protocolos/http.md ainda não existe no site")
    return server + LESSON


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core's axe.min.js, installed with npm into a cache folder (not kept in the repository)."""
    target = CACHE / "axe-core-4.11.4"
    script = target / "node_modules" / "axe-core" / "axe.min.js"
    if script.is_file():
        return script
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm não encontrado: a verificação com axe-core foi pulada")
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(target),
                             "axe-core@4.11.4"], capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not script.is_file():
        pytest.skip("não foi possível instalar axe-core com npm: " + (result.stderr or result.stdout)[-500:])
    return script
