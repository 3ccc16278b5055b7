"""The newsl10n command end to end, on the seed article with copy models."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result

from newsl10n import cli
from newsl10n.cli import main
from newsl10n.glossary.load import load_glossary
from newsl10n.glossary.match import find_terms
from newsl10n.source.detect import Detection
from tests.conftest import SEED, TARGETS
from tests.helpers import SLUG, msgfmt_check, po_path, pot_path, said, settings_for

GLOSSARY = load_glossary(SEED.parents[1] / "glossaries")


def invoke(project: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["--project", str(project), *args], input=input)


@pytest.fixture
def translated(project: Path, copy_models: Path) -> Path:
    result = invoke(project, "run")
    assert result.exit_code == 0, result.output
    return project


def catalog(project: Path, lang: str) -> polib.POFile:
    return polib.pofile(str(po_path(project, lang)))


def test_run_writes_template_and_one_catalog_per_target(translated: Path) -> None:
    pot = pot_path(translated)
    msgfmt_check(pot)
    for lang in TARGETS:
        path = po_path(translated, lang)
        msgfmt_check(path)
        po = polib.pofile(str(path))
        assert po.metadata["Language"] == lang
        assert po.metadata["X-Machine-Translation"].startswith("argos translate-en_")
        assert len(po) == len(polib.pofile(str(pot)))
        # A copy model makes machine output exact (names aside: the glossary puts in the
        # target forms); all of it awaits review.
        assert all(e.msgstr and "fuzzy" in e.flags for e in po)
        plain = [e for e in po if not find_terms(e.msgid, GLOSSARY, "en")]
        assert plain and all(e.msgstr == e.msgid for e in plain)


def test_catalog_has_roles_and_single_sentence_abbreviations(translated: Path) -> None:
    po = catalog(translated, "ko")
    msgids = [e.msgid for e in po]
    assert "COMMENTS" not in msgids
    assert sum("U.S. State Department spokesperson" in m for m in msgids) == 1
    assert sum("U.N. Security Council resolutions" in m for m in msgids) == 1
    roles = {e.msgid: e.comment.split(",")[0] for e in po}
    assert roles["Sputnik/Gavriil Grigorov/Pool via REUTERS"] == "credit"
    assert roles["Strategic Implications"] == "heading"
    assert roles["Lavish Reception for Putin"] == "heading"
    assert next(iter(po)).comment.startswith("caption")
    title = next(e for e in po if e.comment.startswith("title"))
    assert title.msgid.startswith("Putin and Kim")


def test_rerun_translates_nothing_and_rewrites_nothing(translated: Path) -> None:
    files = sorted((translated / "locales").rglob("*.po*"))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    result = invoke(translated, "run")
    assert result.exit_code == 0, result.output
    assert "unchanged" in result.output
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before


def test_rerun_keeps_a_translators_edit(translated: Path) -> None:
    path = po_path(translated, "ru")
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid == "Strategic Implications")
    entry.msgstr = "Стратегические последствия"
    entry.flags.remove("fuzzy")
    entry.tcomment = "reviewed"
    po.save(str(path))
    article = translated / "source_articles" / SEED.name
    article.write_text(article.read_text().replace("COMMENTS", "A new last line."))
    assert invoke(translated, "run").exit_code == 0
    kept = next(e for e in polib.pofile(str(path)) if e.msgid == "Strategic Implications")
    assert (kept.msgstr, kept.flags, kept.tcomment) == (
        "Стратегические последствия",
        [],
        "reviewed",
    )
    msgfmt_check(path)


def test_run_reports_residue_it_left_out(project: Path, copy_models: Path) -> None:
    result = invoke(
        project, "translate", str(project / "source_articles" / SEED.name), "--to", "de"
    )
    assert result.exit_code == 0, result.output
    assert "left out scrape residue 'COMMENTS'" in result.output
    # named as the terminal that ran the command can open it, not as the catalogs cite it
    assert f"{project / 'source_articles' / SEED.name}:" in said(result)
    visible = sorted(p.name for p in (project / "locales").iterdir() if p.name[0] != ".")
    assert visible == ["de", f"{SLUG}.pot"]


def test_missing_models_fail_with_the_pairs_to_install(project: Path, no_models: Path) -> None:
    result = invoke(project, "run", "--to", "ru,ko")
    assert result.exit_code == 1
    assert "newsl10n models download en-ru" in result.output
    assert "newsl10n models download en-ko" in result.output
    assert not (project / "locales" / "ru").exists()


def test_unknown_language_and_missing_folder_are_usage_errors(project: Path) -> None:
    result = invoke(project, "run", "--to", "ru,xx")
    assert result.exit_code == 2 and "xx" in result.output
    result = invoke(project, "run", "--source", str(project / "nowhere"))
    assert result.exit_code == 2 and "nowhere" in result.output


def test_models_ensure_offline_lists_missing_pairs(
    project: Path, no_models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("newsl10n.engines.argos_index.INDEX_URL", "http://127.0.0.1:9/index.json")
    result = invoke(project, "models", "ensure")
    assert result.exit_code == 1
    assert "not reachable" in result.output
    assert "en-ru" in result.output and "en-uk" in result.output
    assert "newsl10n models install FILE.argosmodel" in result.output


def test_models_list_shows_installed_pairs(project: Path, copy_models: Path) -> None:
    result = invoke(project, "models", "list")
    assert result.exit_code == 0
    assert "en→ru" in result.output and "ru→en" in result.output


def test_detect_prints_one_line_per_input_line(project: Path) -> None:
    lines = [
        "The summit ended with a treaty on mutual defence.",
        "Путин и Ким подписали договор о всеобъемлющем стратегическом партнёрстве.",
        "김정은 국무위원장이 평양에서 푸틴 대통령을 맞이했다.",
        "",
    ]
    result = invoke(project, "detect", "--candidates", "en,ru,ko", input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    rows = [row.split("\t") for row in result.output.splitlines()]
    assert [r[0] for r in rows[:3]] == ["en", "ru", "ko"]
    assert len(rows) == len(lines)
    assert all(0.0 <= float(r[1]) <= 1.0 for r in rows)


def test_detect_on_a_file_that_is_not_utf_8_names_it_without_a_traceback(
    project: Path, tmp_path: Path
) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes("café au lait\n".encode("latin-1"))
    result = invoke(project, "detect", str(latin))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"{latin}: not valid UTF-8" in said(result) and "Traceback" not in result.output


def test_glossary_terms_come_out_in_their_target_forms_and_qa_is_clean(translated: Path) -> None:
    expected = {
        "ko": "김일성광장",
        "zh": "金日成广场",
        "ja": "金日成広場",
        "es": "plaza Kim Il-sung",
    }
    for lang, form in expected.items():
        square = next(e for e in catalog(translated, lang) if "Kim Il Sung Square" in e.msgid)
        assert form in square.msgstr, (lang, square.msgstr)
    ru = [e.msgstr for e in catalog(translated, "ru") if "Taedong River" in e.msgid]
    assert ru and all("Тэдонган" in text for text in ru)
    result = invoke(translated, "qa", "--json")
    assert result.exit_code == 0, result.output
    assert '"severity": "error"' not in result.output


def test_run_builds_bundles_and_bundle_rebuilds_them_without_a_model(translated: Path) -> None:
    for lang in TARGETS:
        article_md = translated / "bundles" / lang / SLUG / "article.md"
        assert article_md.is_file() and (article_md.parent / "review.html").is_file()
    assert (translated / "bundles" / "index.html").is_file()
    path = po_path(translated, "de")
    po = polib.pofile(str(path))
    heading = next(e for e in po if e.msgid == "Strategic Implications")
    heading.msgstr, heading.flags = "Strategische Folgen", []
    po.save(str(path))
    result = invoke(translated, "bundle", "--to", "de")
    assert result.exit_code == 0, result.output
    assert "## Strategische Folgen" in (translated / "bundles/de" / SLUG / "article.md").read_text()


def test_glossary_check_and_tbx_export(project: Path, tmp_path: Path) -> None:
    assert invoke(project, "glossary", "check").exit_code == 0
    out = tmp_path / "names.tbx"
    assert invoke(project, "glossary", "export", "--format", "tbx", "-o", str(out)).exit_code == 0
    assert "Kim Il Sung Square" in out.read_text(encoding="utf-8")
    bad = project / "glossaries" / "bad.csv"
    bad.write_text("en,xx\nPutin,Путин\n", encoding="utf-8")
    result = invoke(project, "glossary", "check")
    assert result.exit_code == 1 and "bad.csv" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--to", "de,xx"], "xx"),
        (["run", "--frobnicate"], "--frobnicate"),
        (["run", "--source", "nowhere"], "nowhere"),
        (["translate", "missing.txt"], "missing.txt"),
    ],
)
def test_bad_settings_and_options_are_usage_errors(
    project: Path, args: Sequence[str], message: str
) -> None:
    result = CliRunner().invoke(main, ["--project", str(project), *args])
    assert result.exit_code == 2 and message in result.output


@pytest.mark.parametrize(
    "command", [["qa"], ["status"], ["compile"], ["bundle"], ["tm", "export"], ["review"]]
)
def test_a_catalog_folder_that_does_not_exist_is_refused_by_commands_that_read_it(
    project: Path, command: list[str]
) -> None:
    """A mistyped --locales must not read as "QA: no problems found" and exit 0."""
    missing = project / "no-such-catalogs"
    result = CliRunner().invoke(main, [*command, "--config", str(project / "pyproject.toml"),
                                       "--locales", str(missing)])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert f"--locales {missing}: folder does not exist" in result.output


@pytest.mark.parametrize("command", [["qa"], ["status"], ["run"]])
def test_a_project_folder_that_does_not_exist_is_refused(
    tmp_path: Path, command: list[str]
) -> None:
    """An audit: a mistyped --project read as a clean, empty project: "QA: no problems
    found", exit 0, so a CI gate passed."""
    missing = tmp_path / "no-such-project"
    result = CliRunner().invoke(main, ["--project", str(missing), *command])
    assert result.exit_code == 2, result.output
    assert str(missing) in said(result) and "does not exist" in result.output
    assert not missing.exists()


def test_a_bundle_failure_without_a_language_reads_as_the_article_alone(project: Path) -> None:
    (project / "locales").mkdir()
    article = project / "source_articles" / SEED.name
    result = CliRunner().invoke(main, ["--project", str(project), "bundle", str(article)])
    assert result.exit_code == 1
    assert f"error: {SEED.stem}: no catalog for '{SEED.stem}'" in result.output
    assert "→ :" not in result.output


def test_paths_printed_to_a_pipe_are_never_wrapped(project: Path, copy_models: Path) -> None:
    """`newsl10n bundle | grep review` and scripts reading `compile` output need each path
    whole on its line (a console wraps at 80 columns when it is not a terminal)."""
    deep = project / ("a-rather-long-folder-name-" * 3) / "bundles"
    args = ["--project", str(project)]
    assert CliRunner().invoke(main, [*args, "run", "--to", "de"]).exit_code == 0
    for command in (["bundle", "--bundles", str(deep)], ["compile"]):
        result = CliRunner().invoke(main, [*args, *command])
        assert result.exit_code == 0, result.output
        for line in result.output.splitlines():
            assert line.endswith((".html", ".mo", "(written)", "(unchanged)")), line


def test_brackets_in_paths_are_printed_as_they_are(
    project: Path, copy_models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rich reads "[...]" as markup: "[draft]" vanished from printed paths and "[/]" in a
    folder or article name ended the command with a MarkupError traceback."""
    import io

    from rich.console import Console

    from newsl10n import cli

    missing = project / "[/]"
    refused = CliRunner().invoke(main, ["run", "--source", str(missing)])
    assert refused.exit_code == 2 and f"--source {missing}: folder does not exist" in refused.output

    shutil.move(
        project / "source_articles" / SEED.name,
        project / "source_articles" / "A [draft] [bold].txt",
    )
    terminal = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=terminal, force_terminal=True, width=300))
    args = ["--project", str(project)]
    assert CliRunner().invoke(main, [*args, "run", "--to", "de"]).exit_code == 0
    assert "source_articles/A [draft] [bold].txt" in terminal.getvalue()
    locales = project / "[draft]"
    shutil.copytree(project / "locales", locales)
    compiled = CliRunner().invoke(main, [*args, "compile", "--locales", str(locales)])
    assert compiled.exit_code == 0 and f"wrote {locales}/de/" in compiled.output
    po = next((project / "locales" / "de" / "LC_MESSAGES").glob("*.po"))
    shutil.copy(po, po.with_name("[red]stray.po"))  # the status table: a name, not markup
    status = CliRunner().invoke(main, [*args, "status", "--locales", str(locales)])
    assert status.exit_code == 0 and f"catalogs in {locales}" in said(status)
    status = CliRunner().invoke(main, [*args, "status"])
    assert "[red]stray" in status.output


def test_models_ensure_decides_the_language_as_the_run_does(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole-text guess says Russian; most segments are English: the run translates it
    as English, so ``models ensure`` must ask for the English pairs."""
    import newsl10n.pipeline

    monkeypatch.setattr(
        newsl10n.pipeline, "detect_language", lambda _text, _c: Detection("ru", 0.6, "test")
    )
    settings = settings_for(project, ["de"])
    pairs = cli.missing_pairs(settings, _NoModels())
    assert pairs == [("en", "de")]


class _NoModels:
    name = "none"

    def model_version(self, source: str, target: str) -> str:
        from newsl10n.errors import MissingModelError

        raise MissingModelError(source, target, "install it")


def test_compare_without_an_engine_is_a_usage_error(project: Path) -> None:
    """An audit: ``compare --engines ,`` wrote an empty comparison page and exited 0."""
    article = project / "source_articles" / SEED.name
    result = invoke(project, "compare", "--to", "de", "--engines", ",", str(article))
    assert result.exit_code == 2 and "--engines" in result.output
    assert not list(project.rglob("compare.html"))


def test_translate_refuses_a_path_with_a_line_break(project: Path, tmp_path: Path) -> None:
    """An audit: ``translate`` given such a path (not found by a run's scan, which refuses
    it) wrote the raw line break into the catalogs' header and references."""
    odd = tmp_path / "odd\nname.txt"
    odd.write_text("A title here\n\nA short story. It ends.\n", encoding="utf-8")
    result = invoke(project, "translate", str(odd), "--to", "de")
    assert result.exit_code == 1 and "a line break in its name" in result.output
    assert not (project / "locales").exists() or not list((project / "locales").rglob("odd*"))
