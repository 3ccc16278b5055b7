"""Catalogs a run writes for the sample article, byte for byte.

Restructuring must not change what translators receive: the template and three catalogs
(Cyrillic, Hangul, Han) of the seed article, made by an instant engine whose output is its
input, are compared with the files in tests/fixtures/golden/ (dates aside). A deliberate
change of the format regenerates them: ``NEWSL10N_WRITE_GOLDEN=1 pytest this_file``, then
review the diff like any other change.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import newsl10n.run
from newsl10n.config import load_settings
from tests.helpers import FIXTURES, SLUG, Echo, po_in

GOLDEN = FIXTURES / "golden"
LANGUAGES = ("ru", "ko", "zh")
_DATES = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): [^"\\]*\\n"$', re.M)


def _undated(text: str) -> str:
    return _DATES.sub(r'"\1: DATE\\n"', text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sample_articles_catalogs_are_unchanged(project: Path, lang: str) -> None:
    # The glossary as it was when the files were made: editing glossaries/ must not move them.
    glossary = GOLDEN / "glossary"
    settings = load_settings(project).with_overrides(targets=list(LANGUAGES), glossary=glossary)
    request = newsl10n.run.Request(bundles=False)
    report = newsl10n.run.run(settings, request, engines=Echo)  # type: ignore[arg-type]
    assert report.ok
    written = {
        f"{SLUG}.pot": settings.locales / f"{SLUG}.pot",
        f"{lang}.po": po_in(settings.locales, lang),
    }
    for name, path in written.items():
        text = _undated(path.read_text(encoding="utf-8"))
        golden = GOLDEN / name
        if os.environ.get("NEWSL10N_WRITE_GOLDEN"):
            golden.write_text(text, encoding="utf-8")
        assert text == golden.read_text(encoding="utf-8"), f"{path} differs from {golden}"
