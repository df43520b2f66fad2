"""Small fixes to the theme's own markup, applied to each rendered page.

Each fix is an exact string replacement: when a theme update changes the
markup, the fix stops matching and does nothing (the browser tests with
axe-core then say what is missing) instead of breaking the page.
"""

from __future__ import annotations

_FIXES = (
    # Material's search is a role="dialog" without a name (axe: aria-dialog-name, serious).
    ('<div class="md-search" data-md-component="search" role="dialog">',
     '<div class="md-search" data-md-component="search" role="dialog" aria-label="Busca">'),
)


def patch_theme_html(html: str) -> str:
    for old, new in _FIXES:
        html = html.replace(old, new, 1)
    return html
