"""The README stays a front door and the docs stay true to the tree.

Why: the README and docs/ name files and link each other; a moved module or a renamed
heading silently turns a newcomer's first minute into a search. These checks read only
the Markdown files and the repository tree.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Backticked paths under these folders must exist (generated folders such as bundles/ and
# locales/<lang>/ are outputs, not part of the tree, so they are not checked).
CHECKED_ROOTS = ("src/", "tests/", "scripts/", "flows/", "benchmarks/", "schemas/", "docs/")


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), re.M)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def test_readme_is_a_front_door() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200, f"README.md: {len(lines)} lines; move reference text to docs/"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page: Path) -> None:
    broken = []
    for link in re.findall(r"\]\(([^)\s]+)\)", page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", link):
            continue
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists():
            broken.append(f"{link}: no such file")
        elif anchor and anchor not in _anchors(target):
            broken.append(f"{link}: no such heading")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


@pytest.mark.skipif(
    not (ROOT / "src" / "newsl10n" / "source").is_dir(),
    reason="the docs name the packages-by-stage layout (issue 21), not on this tree yet",
)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_named_paths_exist(page: Path) -> None:
    named = re.findall(r"`([^`\s<>*]+)`", page.read_text(encoding="utf-8"))
    missing = [p for p in named if p.startswith(CHECKED_ROOTS) and not (ROOT / p).exists()]
    assert not missing, f"{page.relative_to(ROOT)}: no such path: {', '.join(missing)}"
