"""The translator round trip: re-runs keep every human edit and show what changed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest

import newsl10n.run
from newsl10n.config import Settings, load_settings
from newsl10n.engines.argos import ArgosEngine
from newsl10n.pipeline import prepare_article, translate_pair
from newsl10n.results import PairResult
from tests.conftest import SEED
from tests.helpers import msgfmt_check, po_name, po_path


class CountingEngine(ArgosEngine):
    """The copy-model engine, counting the segments it is asked to translate."""

    def __init__(self) -> None:
        super().__init__()
        self.segments = 0

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        self.segments += len(texts)
        return super().translate(texts, source, target)


def run(project: Path, engine: CountingEngine, lang: str = "ru") -> list[PairResult]:
    """The library's run (what every door calls) over the project's articles, with
    ``engine`` standing in for every engine it asks for."""
    # No glossary here: its extra rounds would blur the segment counts under test.
    none = project / "no-glossary"
    settings: Settings = load_settings(project).with_overrides(targets=[lang], glossary=none)
    articles = tuple(sorted((project / "source_articles").iterdir()))
    request = newsl10n.run.Request(articles=articles, bundles=False)
    report = newsl10n.run.run(settings, request, engines=lambda _name, _settings: engine)
    return list(report.results)


def unwrapped(text: str) -> str:
    """polib wraps long comments at 79 columns; compare text without the line breaks."""
    return re.sub(r"\s+", "", text)


def entry_fields(entry: polib.POEntry) -> tuple[object, ...]:
    """What translators own (references and position comments follow the source)."""
    return (entry.msgctxt, entry.msgid, entry.msgstr, entry.tcomment, tuple(entry.flags),
            entry.previous_msgid, entry.obsolete)  # fmt: skip


@pytest.fixture
def engine(copy_models: Path) -> CountingEngine:
    return CountingEngine()


def test_translator_round_trip(project: Path, engine: CountingEngine) -> None:
    run(project, engine)
    path = po_path(project, "ru")
    # A translator corrects one entry, clears fuzzy and comments it, in a text editor.
    text = path.read_text(encoding="utf-8")
    heading = 'msgid "Strategic Implications"\nmsgstr "Strategic Implications"\n'
    block_start = text.rindex("\n\n", 0, text.index(heading)) + 2
    block_end = text.index(heading) + len(heading)
    block = text[block_start:block_end]
    edited_block = "# checked with the desk\n" + block.replace("#, fuzzy\n", "").replace(
        'msgstr "Strategic Implications"', 'msgstr "Стратегические последствия"'
    )
    path.write_text(text[:block_start] + edited_block + text[block_end:], encoding="utf-8")
    msgfmt_check(path)
    edited_bytes = path.read_bytes()

    # Nothing changed: nothing translated, nothing rewritten.
    engine.segments = 0
    [result] = run(project, engine)
    assert (engine.segments, result.written, result.kept) == (0, False, result.segments)
    assert path.read_bytes() == edited_bytes

    # One sentence edited, one paragraph removed.
    before = {e.msgid: entry_fields(e) for e in polib.pofile(str(path))}
    article = project / "source_articles" / SEED.name
    source = article.read_text(encoding="utf-8")
    old_sentence = "Putin's visit was his first to North Korea in 24 years."
    new_sentence = "Putin's visit was his first to North Korea in 24 years, aides said."
    removed = (
        "South Korea said it would review its policy of not supplying weapons directly to "
        "Ukraine. Officials in Beijing, Pyongyang's main economic partner, declined to comment "
        "on the treaty in detail.\n\n"
    )
    assert old_sentence in source and removed in source
    article.write_text(source.replace(old_sentence, new_sentence).replace(removed, ""))
    engine.segments = 0
    run(project, engine)
    assert engine.segments == 0  # the edited sentence keeps its translation, fuzzy
    msgfmt_check(path)
    after = polib.pofile(str(path))
    changed = next(e for e in after if e.msgid == new_sentence)
    assert changed.fuzzy and changed.previous_msgid == old_sentence
    assert changed.msgstr == before[old_sentence][2]
    obsolete = sorted(e.msgid for e in after.obsolete_entries())
    assert obsolete == sorted(
        [
            "South Korea said it would review its policy of not supplying weapons directly "
            "to Ukraine.",
            "Officials in Beijing, Pyongyang's main economic partner, declined to comment on "
            "the treaty in detail.",
        ]
    )
    untouched = {e.msgid: entry_fields(e) for e in after if not e.obsolete}
    del untouched[new_sentence]
    assert all(before[m] == fields for m, fields in untouched.items())
    assert edited_block in path.read_text(encoding="utf-8")


def test_edit_of_a_reviewed_sentence_keeps_the_old_translation_as_fuzzy_msgstr(
    project: Path, engine: CountingEngine
) -> None:
    run(project, engine)
    path = po_path(project, "ru")
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid.startswith("Putin's visit"))
    entry.msgstr = "Это был первый визит Путина в КНДР за 24 года."
    entry.flags.remove("fuzzy")
    po.save(str(path))
    article = project / "source_articles" / SEED.name
    article.write_text(article.read_text().replace("in 24 years.", "in twenty-four years."))
    run(project, engine)
    new = next(e for e in polib.pofile(str(path)) if "twenty-four" in e.msgid)
    assert new.fuzzy and new.previous_msgid.endswith("in 24 years.")
    # msgmerge's semantics: the person's translation stays, fuzzy, under the new source.
    assert new.msgstr == "Это был первый визит Путина в КНДР за 24 года."
    msgfmt_check(path)


def test_retranslate_redoes_machine_output_but_never_reviewed_entries(
    project: Path, engine: CountingEngine
) -> None:
    [first] = run(project, engine)
    po = polib.pofile(str(po_path(project, "ru")))
    reviewed = po[3]
    reviewed.flags.remove("fuzzy")
    po.save(str(po_path(project, "ru")))
    settings = load_settings(project).with_overrides(targets=["ru"])
    prepared = prepare_article(project / "source_articles" / SEED.name, settings)
    engine.segments = 0
    result = translate_pair(prepared, "ru", engine, settings, retranslate=True)
    assert engine.segments == first.segments - 1 == result.translated
    assert result.kept == 1


def test_reviewed_work_is_reused_across_articles(project: Path, engine: CountingEngine) -> None:
    run(project, engine)
    path = po_path(project, "ru")
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgid in ("Strategic Implications", "Lavish Reception for Putin"):
            entry.msgstr = f"[reviewed] {entry.msgid}"
            entry.flags.remove("fuzzy")
    po.save(str(path))
    other = project / "source_articles" / "follow-up.txt"
    other.write_text(
        "A Follow-Up Story\n\nStrategic Implications\n\nThe talks continued on Thursday.\n\n"
        "Lavish Receptions for Putin\n\nMore guests arrived for the banquet.\n",
        encoding="utf-8",
    )
    engine.segments = 0
    results = run(project, engine)
    follow = polib.pofile(str(po_path(project, "ru", "follow-up")))
    exact = next(e for e in follow if e.msgid == "Strategic Implications")
    assert exact.msgstr == "[reviewed] Strategic Implications" and exact.fuzzy
    origin = po_name("ru")
    assert unwrapped(f"translation memory: reviewed translation from {origin}") in unwrapped(
        exact.comment
    )
    close = next(e for e in follow if e.msgid == "Lavish Receptions for Putin")
    assert close.msgstr == "[reviewed] Lavish Reception for Putin" and close.fuzzy
    assert "match from" in close.comment and "machine translation:" in close.comment
    assert engine.segments == 4  # everything but the exact memory match
    assert [r.from_memory for r in results if r.slug == "follow-up"] == [2]
    msgfmt_check(po_path(project, "ru", "follow-up"))
