"""status, compile and TMX export over real catalogs."""

from __future__ import annotations

import gettext
import json
import os
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from translate.storage.tmx import tmxfile

from newsl10n.cli import main
from newsl10n.config import load_settings
from newsl10n.engines.argos import ArgosEngine
from newsl10n.pipeline import prepare_article, translate_pair
from tests.conftest import SEED
from tests.helpers import SLUG, po_path


@pytest.fixture
def reviewed(project: Path, copy_models: Path) -> Path:
    """Catalogs for ru and de, with two ru entries and one de entry reviewed."""
    settings = load_settings(project)
    prepared = prepare_article(project / "source_articles" / SEED.name, settings)
    for lang, count in (("ru", 2), ("de", 1)):
        translate_pair(prepared, lang, ArgosEngine(), settings)
        path = po_path(project, lang)
        po = polib.pofile(str(path))
        for entry in list(po)[:count]:
            entry.msgstr = f"<{lang}> {entry.msgid}"
            entry.flags.remove("fuzzy")
        po.save(str(path))
    return project


def cli(project: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--project", str(project), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_status_counts_per_catalog_and_language(reviewed: Path) -> None:
    report = json.loads(cli(reviewed, "status", "--json"))
    rows = {r["language"]: r for r in report["catalogs"]}
    total = rows["ru"]["reviewed"] + rows["ru"]["fuzzy"]
    assert (rows["ru"]["reviewed"], rows["de"]["reviewed"]) == (2, 1)
    assert rows["ru"]["untranslated"] == 0 and rows["ru"]["obsolete"] == 0
    assert rows["ru"]["share_reviewed"] == round(2 / total, 4)
    assert report["languages"]["de"]["reviewed"] == 1
    table = cli(reviewed, "status")
    assert "total" in table and f"{2 / total:.0%}" in table


def test_compile_writes_reviewed_entries_only(reviewed: Path) -> None:
    cli(reviewed, "compile")
    mo = po_path(reviewed, "ru", SLUG, ".mo")
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    first = next(iter(polib.pofile(str(mo.with_suffix(".po")))))
    assert catalog.pgettext(first.msgctxt, first.msgid) == f"<ru> {first.msgid}"
    assert len(polib.mofile(str(mo))) == 2


def test_tmx_export_loads_in_translate_toolkit(reviewed: Path, tmp_path: Path) -> None:
    out = tmp_path / "memory.tmx"
    cli(reviewed, "tm", "export", "--output", str(out))
    tmx = tmxfile.parsefile(str(out))
    units = [u for u in tmx.units if u.source]
    first = next(iter(polib.pofile(str(po_path(reviewed, "ru")))))
    unit = next(u for u in units if u.source == first.msgid)
    assert unit.gettarget("ru") == f"<ru> {first.msgid}"
    assert unit.gettarget("de") == f"<de> {first.msgid}"
    assert len(units) == 2


def _run(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(project), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_a_catalog_that_cannot_be_compiled_is_named_and_the_others_go_on(
    reviewed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.open

    def read_only_ru(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if "/ru/" in str(path) and flags & os.O_EXCL:  # a new file in the ru folder
            raise PermissionError(13, "Permission denied")
        return real(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", read_only_ru)
    code, output = _run(reviewed, "compile")
    assert code == 1 and "Traceback" not in output
    assert f"{po_path(reviewed, 'ru')}: cannot write {SLUG}.mo: Permission denied" in output
    assert po_path(reviewed, "de", SLUG, ".mo").is_file()


def test_tm_export_names_a_broken_catalog_and_a_folder_it_cannot_write(
    reviewed: Path, tmp_path: Path
) -> None:
    broken = po_path(reviewed, "de")
    broken.write_text(broken.read_text(encoding="utf-8") + '\nmsgid "open\n', "utf-8")
    out = tmp_path / "memory.tmx"
    code, output = _run(reviewed, "tm", "export", "--output", str(out))
    assert code == 1 and str(broken) in output and "not in the export" in output
    assert [u.gettarget("ru") for u in tmxfile.parsefile(str(out)).units if u.source]
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    code, output = _run(reviewed, "tm", "export", "--output", str(tmp_path / "a-file" / "x.tmx"))
    assert code == 1 and "cannot write" in output and "Traceback" not in output


def test_an_emptied_catalog_is_not_counted_as_all_reviewed(reviewed: Path) -> None:
    """A catalog truncated to 0 bytes (a crashed editor, a bad copy) has nothing reviewed:
    status says 0%, not the 100% a share of nothing used to give."""
    po_path(reviewed, "de").write_bytes(b"")
    report = json.loads(cli(reviewed, "status", "--json"))
    rows = {r["language"]: r for r in report["catalogs"]}
    assert rows["de"]["reviewed"] == 0 and rows["de"]["share_reviewed"] == 0
    assert "100%" not in cli(reviewed, "status")


def test_an_export_to_a_missing_folder_is_refused_and_dash_is_standard_output(
    reviewed: Path, tmp_path: Path
) -> None:
    """An audit: ``-o /nonexistent/dir/x.tbx`` said "wrote" and made the folder (a typo
    leaves files where nobody looks); ``-o -`` wrote a file named "-"."""
    missing = tmp_path / "no-such-folder" / "x.tmx"
    code, output = _run(reviewed, "tm", "export", "--output", str(missing))
    assert code == 1 and f"{missing.parent}: folder does not exist" in output
    assert not missing.parent.exists()
    code, output = _run(reviewed, "glossary", "export", "--format", "csv", "--output", "-")
    assert code == 0 and not Path("-").exists() and "Kim Il Sung" in output
