"""Translators never lose work: catalogs saved by real tools (GNU gettext's msgcat and
msgattrib as Poedit wraps, translate-toolkit as Weblate saves), edited, then run again.

Every tool output is made here, by the tool itself, from the seed article's catalog.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import polib
import pytest
from babel.messages.pofile import read_po, write_po
from translate.storage import pypo

from newsl10n.catalog import fingerprint, powrite, store
from newsl10n.config import load_settings
from newsl10n.engines.argos import ArgosEngine
from newsl10n.pipeline import prepare_article, translate_pair, write_template
from newsl10n.results import PairResult
from tests.conftest import SEED
from tests.helpers import FIXTURES, msgfmt_check, po_path, pot_path

OLD_SENTENCE = "Putin's visit was his first to North Korea in 24 years."
NEW_SENTENCE = "Putin's visit was his first to North Korea in 24 years, aides said."
HEADING = "Strategic Implications"


class Engine(ArgosEngine):
    """The copy-model engine, counting segments; ``during`` runs inside the first call, as
    a translator saving the catalog while the run translates."""

    def __init__(self) -> None:
        super().__init__()
        self.segments = 0
        self.during: Callable[[], None] | None = None

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        self.segments += len(texts)
        hook, self.during = self.during, None
        if hook is not None:
            hook()
        return super().translate(texts, source, target)


@pytest.fixture
def engine(copy_models: Path) -> Engine:
    return Engine()


def run(project: Path, engine: Engine, retranslate: bool = False) -> PairResult:
    settings = load_settings(project).with_overrides(targets=["ru"])
    prepared = prepare_article(project / "source_articles" / SEED.name, settings)
    write_template(prepared, settings)
    return translate_pair(prepared, "ru", engine, settings, retranslate=retranslate)


def tool(*args: str) -> None:
    if shutil.which(args[0]) is None:
        pytest.fail(f"{args[0]} not found: install gettext")
    subprocess.run(args, check=True, capture_output=True)


def set_header(path: Path, **fields: str) -> None:
    """A translator's tool puts its own name and the translator's in the header."""
    text = path.read_text(encoding="utf-8")
    for key, value in fields.items():
        name = key.replace("_", "-")
        text = re.sub(rf'^"{name}: .*\\n"$', f'"{name}: {value}\\\\n"', text, flags=re.M)
    path.write_text(text, encoding="utf-8")


def save_as_poedit(path: Path) -> None:
    """Poedit writes gettext's layout, wrapped at 79 columns, with its own X-Generator."""
    set_header(path, X_Generator="Poedit 3.4.2", Last_Translator="Anna <anna@example.org>")
    tool("msgcat", "-w", "79", "-o", str(path), str(path))


def save_as_weblate(path: Path, edit: Callable[[pypo.pounit], None] | None = None) -> None:
    """Weblate saves through translate-toolkit (pypo), which rewraps what it writes at 77."""
    set_header(path, X_Generator="Weblate 5.8", Language_Team="Russian <ru@example.org>")
    store = pypo.pofile.parsefile(str(path))
    for unit in store.units:
        if unit.isheader():
            continue
        source, target = unit.source, unit.target
        unit.source, unit.target = f"{source}.", f"{target}."  # force a rewrap of every unit
        unit.source, unit.target = source, target
        if edit is not None:
            edit(unit)
    path.write_bytes(bytes(store))


def save_with_msgattrib(path: Path) -> None:
    """A reviewer accepts one machine translation with msgattrib (wraps at 79)."""
    tool("msgattrib", "--clear-fuzzy", "--only-fuzzy", "-o", str(path) + ".one", str(path))
    tool("msgcat", "--use-first", "-o", str(path), str(path) + ".one", str(path))
    Path(str(path) + ".one").unlink()


def save_with_babel(path: Path) -> None:
    """Babel's write_po (a Python web app's translation page): its own wrapping at 76."""
    with path.open("rb") as handle:
        messages = read_po(handle)
    with path.open("wb") as handle:
        write_po(handle, messages)


def save_on_windows(path: Path) -> None:
    """A Windows editor: Poedit's layout with CRLF line ends."""
    save_as_poedit(path)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


SAVES = {
    "poedit": save_as_poedit,
    "weblate": save_as_weblate,
    "msgattrib": save_with_msgattrib,
    "babel": save_with_babel,
    "windows": save_on_windows,
}


def diff_lines(before: str, after: str, ignore: str | None = None) -> list[str]:
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
    changed = [t for t in lines if t[:1] in "+-" and not t.startswith(("+++", "---"))]
    return [t for t in changed if not (ignore and t[1:].startswith(ignore))]


def entry(path: Path, msgid: str) -> polib.POEntry:
    return next(e for e in polib.pofile(str(path)) if e.msgid == msgid)


def edit_source(project: Path, new: str = NEW_SENTENCE) -> None:
    article = project / "source_articles" / SEED.name
    text = article.read_text(encoding="utf-8")
    assert OLD_SENTENCE in text
    article.write_text(text.replace(OLD_SENTENCE, new), encoding="utf-8")


# ------------------------------------------------------------ items 1-3: what is human work


def test_retranslate_keeps_a_fuzzy_draft_a_translator_saved_in_weblate(
    project: Path, engine: Engine
) -> None:
    first = run(project, engine)
    path = po_path(project, "ru")

    def needs_editing(unit: pypo.pounit) -> None:
        if unit.source == HEADING:
            unit.target = "Стратегические последствия (черновик)"
            unit.markfuzzy(True)

    save_as_weblate(path, needs_editing)
    draft = entry(path, HEADING)
    assert draft.fuzzy and draft.msgstr == "Стратегические последствия (черновик)"
    engine.segments = 0
    result = run(project, engine, retranslate=True)
    assert engine.segments == first.segments - 1 == result.translated
    again = entry(path, HEADING)
    assert (again.msgstr, again.fuzzy) == (draft.msgstr, True)
    msgfmt_check(path)


def test_retranslate_keeps_comments_and_flags_of_machine_entries(
    project: Path, engine: Engine
) -> None:
    run(project, engine)
    path = po_path(project, "ru")
    text = path.read_text(encoding="utf-8")
    block = f'msgid "{HEADING}"\n'
    start = text.rindex("\n\n", 0, text.index(block)) + 2
    text = text[:start] + "# ask the desk about this one\n" + text[start:]
    text = text.replace(f'#, fuzzy\nmsgctxt "{entry(path, HEADING).msgctxt}"',
                        f'#, fuzzy, no-wrap\nmsgctxt "{entry(path, HEADING).msgctxt}"')  # fmt: skip
    path.write_text(text, encoding="utf-8")
    run(project, engine, retranslate=True)
    again = entry(path, HEADING)
    assert again.tcomment == "ask the desk about this one"
    assert again.flags == ["fuzzy", "no-wrap"]
    assert fingerprint.is_machine(again)  # redone, and still known as machine output


def test_a_changed_reviewed_sentence_keeps_its_translation_through_retranslate(
    project: Path, engine: Engine
) -> None:
    run(project, engine)
    path = po_path(project, "ru")
    human = "Это был первый визит Путина в КНДР за 24 года."

    def review(unit: pypo.pounit) -> None:
        if unit.source == OLD_SENTENCE:
            unit.target = human
            unit.markfuzzy(False)

    save_as_weblate(path, review)
    edit_source(project)
    run(project, engine)
    changed = entry(path, NEW_SENTENCE)
    assert (changed.msgstr, changed.fuzzy, changed.previous_msgid) == (human, True, OLD_SENTENCE)
    run(project, engine, retranslate=True)
    after = entry(path, NEW_SENTENCE)
    assert (after.msgstr, after.fuzzy, after.previous_msgid) == (human, True, OLD_SENTENCE)
    msgfmt_check(path)


def test_the_fingerprint_survives_gettext_and_translate_toolkit(
    project: Path, engine: Engine, tmp_path: Path
) -> None:
    run(project, engine)
    path = po_path(project, "ru")
    marks = {e.msgid: fingerprint.recorded(e) for e in polib.pofile(str(path))}
    assert all(marks.values())
    out = tmp_path / "out.po"
    for command in (["msgcat", "-w", "79"], ["msgattrib", "--no-obsolete"], ["msgcat", "-w", "60"]):
        tool(*command, "-o", str(out), str(path))
        assert {e.msgid: fingerprint.recorded(e) for e in polib.pofile(str(out))} == marks
    save_as_weblate(out)
    assert {e.msgid: fingerprint.recorded(e) for e in polib.pofile(str(out))} == marks
    # pofilter (translate-toolkit's checker) writes the entries it flags, comments and all.
    pofilter = Path(sys.executable).parent / "pofilter"
    subprocess.run([str(pofilter), "-t", "unchanged", str(path), str(out)], check=True,
                   capture_output=True)  # fmt: skip
    flagged = [e for e in polib.pofile(str(out)) if e.msgid]
    assert flagged and all(fingerprint.recorded(e) == marks[e.msgid] for e in flagged)


# ------------------------------------------------------------ item 4: the file's own style


@pytest.mark.parametrize("save", ["msgattrib", "poedit", "weblate", "windows"])
def test_a_run_that_changes_nothing_leaves_every_byte(
    project: Path, engine: Engine, save: str
) -> None:
    run(project, engine)
    path = po_path(project, "ru")
    SAVES[save](path)
    saved = path.read_bytes()
    result = run(project, engine)
    assert not result.written
    assert path.read_bytes() == saved


def review_all_in_poedit(path: Path) -> None:
    """A translator goes through the whole catalog in Poedit and accepts it."""
    tool("msgattrib", "--clear-fuzzy", "-o", str(path), str(path))
    save_as_poedit(path)


def review_all_in_weblate(path: Path) -> None:
    save_as_weblate(path, lambda unit: unit.markfuzzy(False))


@pytest.mark.parametrize("review", [review_all_in_poedit, review_all_in_weblate])
def test_a_one_sentence_change_diffs_no_more_than_msgmerge(
    project: Path, engine: Engine, review: Callable[[Path], None], tmp_path: Path
) -> None:
    """Entries are compared with what ``msgmerge --previous`` makes of the same file and
    the new template; the header may differ only in the fields newsl10n owns."""
    run(project, engine)
    path = po_path(project, "ru")
    review(path)
    saved = path.read_text(encoding="utf-8")
    generator = polib.pofile(str(path)).metadata["X-Generator"]
    edit_source(project)
    assert run(project, engine).written
    written = path.read_text(encoding="utf-8")
    reference = tmp_path / "saved.po"
    reference.write_text(saved, encoding="utf-8")
    merged = tmp_path / "merged.po"
    tool("msgmerge", "--previous", "-q", "-o", str(merged), str(reference), str(pot_path(project)))
    # msgmerge takes #. comments from the template, so it drops our fingerprints: those
    # lines are not counted against it.
    theirs = diff_lines(body(saved), body(merged.read_text(encoding="utf-8")))
    theirs = [t for t in theirs if not t.startswith("-#. " + fingerprint.PREFIX)]
    ours = diff_lines(body(saved), body(written))
    assert 0 < len(ours) <= len(theirs) * 1.1, "\n".join(ours)
    before, after = polib.pofile(saved).metadata, polib.pofile(written).metadata
    changed_fields = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert "X-Source-SHA256" in changed_fields <= {"X-Source-SHA256", "PO-Revision-Date"}
    assert len(diff_lines(head(saved), head(written))) <= 6  # those lines only
    assert polib.pofile(str(path)).metadata["X-Generator"] == generator
    changed = entry(path, NEW_SENTENCE)
    assert changed.fuzzy and changed.previous_msgid == OLD_SENTENCE
    assert changed.msgstr == OLD_SENTENCE  # the reviewed (copy-model) text, kept
    msgfmt_check(path)


def head(text: str) -> str:
    return text.split("\n\n", 1)[0]


def body(text: str) -> str:
    return text.split("\n\n", 1)[1]


def test_entries_written_into_a_gettext_wrapped_file_are_wrapped_as_gettext_does(
    project: Path, engine: Engine, tmp_path: Path
) -> None:
    run(project, engine)
    path = po_path(project, "ru")
    save_as_poedit(path)
    edit_source(project)
    run(project, engine)
    again = tmp_path / "again.po"
    tool("msgcat", "-w", "79", "-o", str(again), str(path))
    assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_entries_written_into_a_weblate_file_are_wrapped_as_translate_toolkit_does(
    project: Path, engine: Engine, tmp_path: Path
) -> None:
    run(project, engine)
    path = po_path(project, "ru")
    save_as_weblate(path)
    edit_source(project)
    run(project, engine)
    again = tmp_path / "again.po"
    shutil.copy(path, again)
    save_as_weblate(again)
    assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_after_a_babel_save_only_the_dropped_header_fields_come_back(
    project: Path, engine: Engine
) -> None:
    """Babel's write_po drops header fields it does not know (newsl10n's X-Source-*);
    the next run puts those back and touches nothing else, the one after leaves it be."""
    run(project, engine)
    path = po_path(project, "ru")
    save_with_babel(path)
    saved = path.read_text(encoding="utf-8")
    assert "X-Source-SHA256" not in saved
    assert run(project, engine).written
    restored = path.read_text(encoding="utf-8")
    assert body(restored) == body(saved)
    ours = diff_lines(head(saved), head(restored))
    assert all(t.startswith(('+"X-', '+"PO-Revision-Date', '-"PO-Revision-Date')) for t in ours)
    assert not run(project, engine).written
    assert path.read_text(encoding="utf-8") == restored


@pytest.mark.parametrize("save", ["babel", "windows"])
def test_a_changed_entry_is_written_in_the_files_own_layout(
    project: Path, engine: Engine, save: str
) -> None:
    run(project, engine)
    path = po_path(project, "ru")
    SAVES[save](path)
    saved = path.read_bytes()
    edit_source(project)
    assert run(project, engine).written
    written = path.read_bytes()
    if save == "windows":
        assert written.count(b"\n") == written.count(b"\r\n")
        written, saved = written.replace(b"\r\n", b"\n"), saved.replace(b"\r\n", b"\n")
    ours = diff_lines(body(saved.decode()), body(written.decode()))
    assert len(ours) <= 10, "\n".join(ours)  # msgctxt, msgid (wrapped), #| msgctxt, #| msgid
    msgfmt_check(path)


def test_a_sorted_catalog_keeps_its_order_and_new_entries_follow_their_neighbour(
    project: Path, engine: Engine
) -> None:
    run(project, engine)
    path = po_path(project, "ru")
    tool("msgcat", "--sort-output", "-o", str(path), str(path))  # a translator sorted it
    order = [e.msgid for e in polib.pofile(str(path))]
    assert order != [e.msgid for e in polib.pofile(str(pot_path(project)))]
    added = "The two leaders also discussed a new bridge across the Tumen River."
    edit_source(project, f"{OLD_SENTENCE} {added}")
    assert run(project, engine).written
    after = [e.msgid for e in polib.pofile(str(path))]
    assert [m for m in after if m != added] == order
    assert after.index(added) == after.index(OLD_SENTENCE) + 1


# ------------------------------------------------------------ item 5: file modes


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_get_the_mode_a_plain_open_gives(
    project: Path, engine: Engine, umask_022: None, tmp_path: Path
) -> None:
    run(project, engine)
    path = po_path(project, "ru")
    mo = store.compile_mo(path)
    plain = tmp_path / "plain"
    plain.write_text("x")
    assert mode(plain) == 0o644
    assert (mode(path), mode(pot_path(project)), mo.stat().st_mode & 0o777) == (0o644,) * 3
    other = tmp_path / "bundle.zip"
    store.atomic_write_bytes(other, b"data")  # bundles, TMX and reports are written so
    assert mode(other) == 0o644
    path.chmod(0o664)  # a file's own mode is kept, as open() keeps it
    edit_source(project)
    assert run(project, engine).written
    assert mode(path) == 0o664


# ------------------------------------------------------------ item 6: concurrent saves


def test_a_save_made_while_the_run_translates_survives_with_the_new_entries(
    project: Path, engine: Engine
) -> None:
    run(project, engine)
    path = po_path(project, "ru")
    save_as_poedit(path)
    added = "The two leaders also discussed a new bridge across the Tumen River."
    edit_source(project, f"{NEW_SENTENCE} {added}")  # an edit and a new sentence
    reviewed = "Стратегические последствия"

    def translator_saves() -> None:
        def accept(unit: pypo.pounit) -> None:
            if unit.source == HEADING:
                unit.target = reviewed
                unit.markfuzzy(False)

        save_as_weblate(path, accept)

    engine.during = translator_saves
    result = run(project, engine)
    assert engine.during is None and result.written  # the save happened mid-run
    assert (entry(path, HEADING).msgstr, entry(path, HEADING).fuzzy) == (reviewed, False)
    changed = entry(path, NEW_SENTENCE)
    assert changed.fuzzy and changed.previous_msgid == OLD_SENTENCE
    new = entry(path, added)
    assert new.fuzzy and new.msgstr == added and fingerprint.is_machine(new)
    assert polib.pofile(str(path)).metadata["X-Generator"] == "Weblate 5.8"
    msgfmt_check(path)


# ------------------------------------------------------------ the writer against the tools

NEWS = [
    "Путин назвал документ «прорывом», который будет определять отношения на годы вперёд.",
    "Самолёт приземлился незадолго до 3 ч. ночи, сообщили в пресс-службе Кремля и МИД КНДР.",
    "Die Regierung in Berlin sagte, sie werde die Lage „sehr genau“ beobachten und beraten.",
    "Le président a déclaré qu'il s'agissait d'une « percée » qui guiderait les relations.",
    "金正恩表示，两国关系已经提升到“同盟”的新高度，普京则称这份文件是一项“突破”，将在未来多年指导两国关系。",
    "ロシアのプーチン大統領と北朝鮮の金正恩総書記は、平壌で包括的戦略パートナーシップ条約に署名した。",
    "The U.S. State Department said the 3 p.m. deadline was a well-known U.N. arrangement.",
    'Kim described the relationship as an "alliance." Putin called it a “breakthrough” today.',
    "Putin's visit — his first in 24 years — came as the war (now in its third year) ground on.",
    "KCNA reported the ceremony at 10:30, with 100,000 people; the anti-aircraft/artillery show.",
    "Line one of a caption that is long enough to need wrapping at the usual width.\nLine two.",
]


def news_catalog(path: Path) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "ru"}
    for i, text in enumerate(NEWS):
        po.append(polib.POEntry(msgctxt=f"paragraph:{i:010d}", msgid=text, msgstr=f"{text} {text}",
                                comment="paragraph, paragraph 1, sentence 1; source language en",
                                occurrences=[("source_articles/story.txt", str(i))]))  # fmt: skip
    po.append(polib.POEntry(msgid=NEWS[0], msgstr=NEWS[1], obsolete=True))
    po.save(str(path))
    return po


@pytest.mark.parametrize("width", [79, 76])
def test_entries_are_rendered_byte_for_byte_as_msgcat_wraps_them(
    tmp_path: Path, width: int
) -> None:
    flat, wrapped = tmp_path / "flat.po", tmp_path / "wrapped.po"
    news_catalog(flat)
    tool("msgcat", "-w", str(width), "-o", str(wrapped), str(flat))
    text = wrapped.read_text(encoding="utf-8")
    layout = powrite.layout(text, polib.pofile(text))
    assert layout.style == powrite.Style("gettext", width)
    for (_key, block), entry in zip(layout.blocks, polib.pofile(text), strict=True):
        assert powrite.render_entry(entry, layout.style) == block


def test_entries_are_rendered_byte_for_byte_as_translate_toolkit_wraps_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "weblate.po"
    news_catalog(path)
    save_as_weblate(path)
    text = path.read_text(encoding="utf-8")
    layout = powrite.layout(text, polib.pofile(text))
    assert layout.style == powrite.Style("ttk", 77)
    for (_key, block), entry in zip(layout.blocks, polib.pofile(text), strict=True):
        assert powrite.render_entry(entry, layout.style) == block


DEBIAN = sorted((FIXTURES / "po").glob("*.po"))


@pytest.mark.parametrize("fixture", DEBIAN, ids=lambda p: p.name)
def test_gettext_written_catalogs_are_reproduced_entry_by_entry(fixture: Path) -> None:
    """Debian's catalogs (written by msgmerge): every entry with a long string renders as
    its block, except what polib cannot read back (an obsolete entry's #~|, empty #.)."""
    po = store.load_catalog(fixture)
    assert po is not None
    text = fixture.read_bytes().decode(po.encoding)
    layout = powrite.layout(text, po)
    long = [(e, b) for (_k, b), e in zip(layout.blocks, po, strict=True)
            if max(len(e.msgid), len(e.msgstr)) > 60 and "#~|" not in b
            and "\n#.\n" not in f"{b}\n"]  # fmt: skip
    if not long:
        pytest.skip("no long strings")
    assert layout.style.kind in ("gettext", "none")
    assert [powrite.render_entry(e, layout.style) for e, _b in long] == [b for _e, b in long]
