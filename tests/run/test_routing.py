"""Mixed articles: the article is the language of most of its text, and each segment goes
to the engine of its own language pair; segments already in the target stay as written."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import polib
import pytest
from click.testing import CliRunner

import newsl10n.run
from newsl10n.cli import main
from newsl10n.config import EngineSettings, load_settings
from newsl10n.engines.argos import ArgosEngine
from newsl10n.pipeline import prepare_article, translate_pair
from tests.helpers import po_path

MIXED = """\
Harbour Council Approves the New Ferry Timetable

The harbour council approved a new ferry timetable on Tuesday after months of debate \
between commuters, island residents and the operators of the three crossings.

Under the plan, the first ferry will leave the northern pier at half past five every \
morning, and the last crossing will return shortly before midnight on weekdays.

A visiting delegation from the partner city praised the decision in a short statement.

Мы надеемся, что новое расписание поможет жителям островов и туристам.

새 시간표는 다음 달부터 시행됩니다.

Council members said they would review the timetable again after the summer season, \
when passenger numbers are usually at their highest.
"""

RUSSIAN = "Мы надеемся, что новое расписание поможет жителям островов и туристам."
KOREAN = "새 시간표는 다음 달부터 시행됩니다."


class Recorder:
    """Stands in for any engine: records which pair each text went through."""

    calls: ClassVar[list[tuple[str, str, str, tuple[str, ...]]]] = []

    def __init__(self, name: str) -> None:
        self.name = name

    def model_version(self, source: str, target: str) -> str:
        return f"{self.name} {source}-{target} 1.0"

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        Recorder.calls.append((self.name, source, target, tuple(texts)))
        return [f"[{source}→{target}] {t}" for t in texts]


@pytest.fixture
def mixed(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for old in (project / "source_articles").iterdir():
        old.unlink()
    (project / "source_articles" / "ferry.txt").write_text(MIXED, encoding="utf-8")
    Recorder.calls = []

    def get_engine(name: str, settings: EngineSettings) -> Recorder:
        return Recorder(name)

    monkeypatch.setattr(newsl10n.run, "get_engine", get_engine)
    return project


def entries(project: Path, lang: str) -> dict[str, polib.POEntry]:
    po = polib.pofile(str(po_path(project, lang, "ferry")))
    return {e.msgid: e for e in po if not e.obsolete}


def test_a_mostly_english_article_with_russian_and_korean_quotes_is_english(mixed: Path) -> None:
    prepared = prepare_article(mixed / "source_articles" / "ferry.txt", load_settings(mixed))
    assert prepared.language.lang == "en"
    langs = {s.text: s.lang for s in prepared.segments}
    assert langs[RUSSIAN] == "ru" and langs[KOREAN] == "ko"


def test_into_russian_the_english_is_translated_and_the_russian_kept(mixed: Path) -> None:
    result = CliRunner().invoke(main, ["--project", str(mixed), "run", "--to", "ru"])
    assert result.exit_code == 0, result.output
    found = entries(mixed, "ru")
    assert found[RUSSIAN].msgstr == RUSSIAN
    assert "source already in ru" in found[RUSSIAN].comment
    assert found[KOREAN].msgstr.startswith("[ko→ru]")
    english = [e for text, e in found.items() if text not in (RUSSIAN, KOREAN)]
    assert english and all(e.msgstr.startswith("[en→ru]") for e in english)
    assert all(RUSSIAN not in texts for *_pair, texts in Recorder.calls)


def test_retranslating_a_segment_kept_as_written_notes_it_once(mixed: Path) -> None:
    """The note on a quote already in the target is the run's own: a new draft replaces
    it, as it replaces the other notes a run writes, instead of adding it again."""
    for args in (["run", "--to", "ru"], ["run", "--to", "ru", "--retranslate"]):
        result = CliRunner().invoke(main, ["--project", str(mixed), *args])
        assert result.exit_code == 0, result.output
    comment = entries(mixed, "ru")[RUSSIAN].comment
    assert comment.count("source already in ru") == 1, comment


def test_into_ukrainian_each_paragraph_goes_to_its_own_pair_and_engine(mixed: Path) -> None:
    with (mixed / "pyproject.toml").open("a", encoding="utf-8") as config:
        config.write('\n[tool.newsl10n.engines]\n"ru-uk" = "apertium"\n')
    result = CliRunner().invoke(main, ["--project", str(mixed), "run", "--to", "uk"])
    assert result.exit_code == 0, result.output
    routes = {(name, source, target) for name, source, target, _texts in Recorder.calls}
    assert routes == {("argos", "en", "uk"), ("apertium", "ru", "uk"), ("argos", "ko", "uk")}
    russian = [texts for name, source, _t, texts in Recorder.calls if source == "ru"]
    assert russian == [(RUSSIAN,)]
    found = entries(mixed, "uk")
    assert found[RUSSIAN].msgstr == f"[ru→uk] {RUSSIAN}"
    header = polib.pofile(str(po_path(mixed, "uk", "ferry"))).metadata
    assert "apertium ru-uk" in header["X-Machine-Translation"]


def test_an_article_wholly_in_the_target_language_is_skipped(mixed: Path) -> None:
    (mixed / "source_articles" / "ferry.txt").write_text(
        "Новое расписание паромов\n\nСовет гавани утвердил новое расписание паромов.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["--project", str(mixed), "run", "--to", "ru"])
    assert result.exit_code == 0, result.output
    assert "already in ru" in result.output
    assert Recorder.calls == []


def test_mixed_scripts_keep_their_own_languages(project: Path, copy_models: Path) -> None:
    article = project / "source_articles" / "mixed.txt"
    article.write_text(
        "Quotes From Pyongyang\n\n"
        "The Russian leader spoke briefly to reporters at the airport on Wednesday. "
        "«Мы высоко ценим вашу неизменную поддержку политики России», — сказал Путин. "
        "Crowds waved flags along the road into the city.\n",
        encoding="utf-8",
    )
    settings = load_settings(project)
    prepared = prepare_article(article, settings)
    langs = [s.lang for s in prepared.segments]
    assert prepared.language.lang == "en" and langs.count("ru") == 1
    result = translate_pair(prepared, "de", ArgosEngine(), settings)
    assert result.failed == 0 and not result.error  # the quote pivots ru→en→de
