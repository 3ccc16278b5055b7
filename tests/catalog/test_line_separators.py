"""Characters Python breaks lines at and gettext does not (U+2028, U+2029, form feed, NEL,
vertical tab, the file and group separators) may stand raw in a PO string: gettext reads
them as text, msgfmt accepts them, and so must our reader. Scraped pages carry them inside
paragraphs; a catalog that held one used to be written and then refused by its own run."""

from __future__ import annotations

from pathlib import Path

import pytest

import newsl10n.run
from newsl10n.catalog import store
from newsl10n.catalog.header import SourceInfo
from newsl10n.source.segment import Role, Segment
from tests.helpers import Echo, msgfmt_check, settings_for

SOURCE = SourceInfo("story", "source_articles/story.txt", "0" * 64, "en", 1.0)
ODD = ["\u2028", "\u2029", "\x0c", "\x85", "\x0b", "\x1c", "\x1d", "\x1e"]

HEADER = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: de\\n"

"""


@pytest.mark.parametrize("odd", ODD, ids=lambda c: f"U+{ord(c):04X}")
def test_a_catalog_holding_one_raw_reads_as_gettext_reads_it(tmp_path: Path, odd: str) -> None:
    path = tmp_path / "de" / "LC_MESSAGES" / "story.po"
    path.parent.mkdir(parents=True)
    text = (
        HEADER
        + f'#. a note\nmsgctxt "p:1"\nmsgid "one{odd}two"\nmsgstr "eins{odd}zwei"\n\n'
        + 'msgctxt "p:2"\nmsgid "three"\nmsgstr "drei"\n'
    )
    path.write_text(text, encoding="utf-8")
    msgfmt_check(path)
    po = store.load_catalog(path)
    assert po is not None
    assert [(e.msgid, e.msgstr, e.linenum) for e in po] == [
        (f"one{odd}two", f"eins{odd}zwei", 6),  # lines as gettext counts them: at \n
        ("three", "drei", 11),
    ]


def test_an_article_holding_them_is_translated_and_run_again(
    project: Path,
) -> None:
    sources = project / "source_articles"
    for old in sources.iterdir():
        old.unlink()
    sources.joinpath("story.txt").write_text(
        "Talks Stall Over Prices\n\n"
        "The council\u2028met on Monday\x0cand agreed\x85on a plan. It will vote in May.\n",
        encoding="utf-8",
    )
    settings = settings_for(project)
    first = newsl10n.run.run(settings, engines=Echo)  # type: ignore[arg-type]
    assert not first.failures, [r.error for r in first.failures]
    catalogs = sorted((project / "locales").rglob("*.po"))
    assert catalogs
    for path in catalogs:
        msgfmt_check(path)
        assert store.load_catalog(path) is not None
    written = {p: p.read_bytes() for p in catalogs}
    again = newsl10n.run.run(settings, engines=Echo)  # type: ignore[arg-type]
    assert not again.failures and (again.bundles is None or again.bundles.ok)
    forced = newsl10n.run.run(  # every catalog read, planned and compared again
        settings,
        newsl10n.run.Request(force=True),
        engines=Echo,  # type: ignore[arg-type]
    )
    assert not forced.failures and (forced.bundles is None or forced.bundles.ok)
    assert {p: p.read_bytes() for p in catalogs} == written


def test_a_header_field_holding_one_stays_one_field(tmp_path: Path) -> None:
    """polib splits the header's fields with ``str.splitlines`` too: a team name holding
    U+2028 must stay one field, and a rewrite must keep the header as it was."""
    path = tmp_path / "de" / "LC_MESSAGES" / "story.po"
    path.parent.mkdir(parents=True)
    header = HEADER.replace(
        '"Language: de\\n"\n',
        '"Language: de\\n"\n"Language-Team: Deutsch\u2028Redaktion Nord\\n"\n'
        '"X-Note: a\u2028b\\n"\n',
    )
    path.write_text(header + 'msgctxt "p:1"\nmsgid "one"\nmsgstr "eins"\n', encoding="utf-8")
    msgfmt_check(path)
    snapshot = store.read(path)
    assert snapshot.po is not None
    assert snapshot.po.metadata["Language-Team"] == "Deutsch\u2028Redaktion Nord"
    assert snapshot.po.metadata["X-Note"] == "a\u2028b"
    changed = store.load_catalog(path)
    assert changed is not None
    changed[0].msgstr = "EINS"  # a desk save or a run's change elsewhere in the file
    assert store.write_if_changed(changed, path, snapshot.po, snapshot.data)
    text = path.read_text(encoding="utf-8")
    assert '"Language-Team: Deutsch\u2028Redaktion Nord\\n"' in text
    assert '"X-Note: a\u2028b\\n"' in text
    msgfmt_check(path)


def test_a_carriage_return_inside_a_line_is_text_as_gettext_reads_it(tmp_path: Path) -> None:
    """A lone ``\\r`` (an engine's progress line in its error, kept in the note) is not a
    line break to gettext: the catalog a commit wrote reads back, numbered by ``\\n``."""
    path = tmp_path / "de" / "LC_MESSAGES" / "story.po"
    segment = Segment("p:1", Role.PARAGRAPH, "one", 1, 1, 1, "en")
    note = "not translated: engine crashed: loading 10%\rloading 100%"
    draft = store.Draft(SOURCE, "de", (segment,), {}, {"p:1": note}, "engine 1.0")
    done = store.commit(store.read(path), draft)
    msgfmt_check(path)
    again = store.load_catalog(path)
    assert again is not None
    assert note in again[0].comment
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[again[0].linenum - 1].startswith("#.")
    assert done.parsed()[0].linenum == again[0].linenum
