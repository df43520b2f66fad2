"""Helpers shared by the site's tests (a module of its own: ``conftest`` names clash across folders)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "site"
CACHE = Path(os.environ.get("THEMELION_TEST_CACHE", Path.home() / ".cache" / "themelion-docs"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LESSON = "backend/protocolos/http.html"  # the pilot lesson
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str | None:
    for candidate in (os.environ.get("THEMELION_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@dataclass
class Visit:
    """A browser page plus everything it asked the network for and every console error."""

    page: object
    context: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign_requests(self, allowed_prefix: str) -> list[str]:
        return [url for url in self.requests if not url.startswith((allowed_prefix, "data:", "blob:", "about:"))]


def open_visit(browser: object, *, viewport: dict | None = None, color_scheme: str = "light",
               clipboard_origin: str | None = None) -> Visit:
    context = browser.new_context(viewport=viewport or DESKTOP, color_scheme=color_scheme, locale="pt-BR",
                                  service_workers="block")
    if clipboard_origin:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=clipboard_origin)
    context.set_default_timeout(15_000)
    page = context.new_page()
    visit = Visit(page=page, context=context)
    context.on("request", lambda request: visit.requests.append(request.url))
    page.on("console", lambda message: visit.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: visit.errors.append(f"exceção: {error}"))
    return visit
