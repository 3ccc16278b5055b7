"""Glossary enforcement proved on a real engine's output (Apertium), and the engine
comparison editors use. Skipped, with the reason, where Apertium is not installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from newsl10n.cli import main
from newsl10n.config import load_settings
from newsl10n.engines.apertium import ApertiumEngine
from newsl10n.glossary.enforce import translate_with_glossary
from newsl10n.glossary.load import load_glossary
from newsl10n.glossary.match import find_missing, find_terms
from newsl10n.pipeline import prepare_article
from tests.conftest import ROOT, SEED
from tests.helpers import FIXTURES, po_path

REAL_TEXT = FIXTURES / "real_english" / "wordnet-glosses.txt"


def _has_apertium_es() -> bool:
    if shutil.which("apertium") is None:
        return False
    listed = subprocess.run(["apertium", "-l"], capture_output=True, text=True, check=False)
    return "eng-spa" in listed.stdout.split()


needs_apertium = pytest.mark.skipif(
    not _has_apertium_es(),
    reason="apertium en→es not installed (apt-get install apertium apertium-eng-spa)",
)


@needs_apertium
@pytest.mark.parametrize("article", [SEED, REAL_TEXT], ids=["seed", "wordnet"])
def test_glossary_compliance_on_apertium_output(article: Path) -> None:
    """Every term occurrence comes out in its target form, or the miss is flagged."""
    settings = load_settings(ROOT)
    glossary = load_glossary(ROOT / "glossaries")
    prepared = prepare_article(article, settings)
    texts = [s.text for s in prepared.segments]
    outcomes = translate_with_glossary(ApertiumEngine(), texts, "en", "es", glossary)
    total = kept = 0
    for text, outcome in zip(texts, outcomes, strict=True):
        matches = find_terms(text, glossary, "en")
        missing = find_missing(matches, outcome.text, "es", "en")
        total += len(matches)
        kept += len(matches) - len(missing)
        assert len(missing) == len(outcome.missing), (text, outcome)  # every miss flagged
        assert "*" not in outcome.text
    rate = kept / total
    print(f"\nglossary compliance on Apertium en→es, {article.name}: {kept}/{total} = {rate:.1%}")
    assert total >= 30


@needs_apertium
def test_run_with_apertium_writes_real_spanish_with_glossary_forms(
    project: Path, prefect_server: None
) -> None:
    result = CliRunner().invoke(
        main, ["--project", str(project), "run", "--engine", "apertium", "--to", "es"]
    )
    assert result.exit_code == 0, result.output
    po = polib.pofile(str(po_path(project, "es")))
    assert po.metadata["X-Machine-Translation"].startswith("apertium eng-spa")
    changed = [e for e in po if e.msgstr != e.msgid]
    assert len(changed) >= len(po) - 2  # real Spanish, not copies (a credit line may stay)
    assert not any("*" in e.msgstr for e in po)
    expected = {
        "Kim Il Sung Square": "plaza kim il-sung",
        "Taedong River": "río taedong",
        "Pyongyang": "pionyang",
        "Kim Jong Un": "kim jong-un",
        "Vladimir Putin": "vladímir putin",
    }
    for entry in po:
        for term, form in expected.items():
            if term in entry.msgid:
                assert form in entry.msgstr.lower(), (term, entry.msgstr)
    qa = CliRunner().invoke(main, ["--project", str(project), "qa", "--json"])
    assert qa.exit_code == 0 and '"severity": "error"' not in qa.output


@needs_apertium
def test_compare_puts_both_engines_side_by_side(project: Path, copy_models: Path) -> None:
    article = project / "source_articles" / SEED.name
    result = CliRunner().invoke(
        main, ["--project", str(project), "compare", "--to", "es", str(article)]
    )
    assert result.exit_code == 0, result.output
    page = (project / "bundles/es" / SEED.stem / "compare.html").read_text(encoding="utf-8")
    assert "apertium eng-spa" in page and "argos translate-en_es" in page
    assert page.count("<tr>") == len(prepare_article(article, load_settings(project)).segments) + 1
    assert not (project / "locales").exists()  # a comparison writes no catalog


def test_compare_reports_a_missing_engine_and_still_shows_the_other(
    project: Path, copy_models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    article = project / "source_articles" / SEED.name
    result = CliRunner().invoke(
        main, ["--project", str(project), "compare", "--to", "es", str(article)]
    )
    assert result.exit_code == 1 and "apt-get install" in result.output
    page = (project / "bundles/es" / SEED.stem / "compare.html").read_text(encoding="utf-8")
    assert "argos translate-en_es" in page and "apt-get install" in page
