"""Model packages: a hostile ``.argosmodel`` is refused before anything is extracted, an
install failing midway leaves nothing, and stray folders among the packages break no lookup."""

from __future__ import annotations

import errno
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsl10n.cli import main
from newsl10n.engines import argos
from newsl10n.engines.argos import ArgosEngine
from tests.helpers import no_traceback, said


def _package(path: Path, members: dict[str, bytes], link: str | None = None) -> Path:
    meta = {"type": "translate", "from_code": "en", "to_code": "it", "package_version": "1.0"}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pkg/metadata.json", json.dumps(meta))
        for name, data in members.items():
            archive.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (0o120777) << 16  # a symlink member
            archive.writestr(info, "/etc/passwd")
    return path


@pytest.mark.parametrize(
    ("members", "link", "problem"),
    [
        ({"/abs/model.bin": b"x"}, None, "not a relative path"),
        ({"pkg/../../escape.bin": b"x"}, None, "not a relative path"),
        ({"other/model.bin": b"x"}, None, "one folder"),
        ({}, "pkg/model", "is a link"),
        ({"pkg/model.bin": bytes(20 * 1024**2)}, None, "unpacks to 20 MB"),
    ],
    ids=["absolute", "dotdot", "two-tops", "symlink", "zip-bomb"],
)
def test_a_hostile_model_package_is_refused_before_extraction(
    tmp_path: Path, no_models: Path, members: dict[str, bytes], link: str | None, problem: str
) -> None:
    package = _package(tmp_path / "hostile.argosmodel", members, link)
    result = CliRunner().invoke(main, ["models", "install", str(package)])
    no_traceback(result)
    assert result.exit_code == 1 and f"{package}: " in said(result) and problem in said(result)
    assert list(no_models.iterdir()) == []  # nothing extracted anywhere
    assert not Path("/abs").exists()
    assert CliRunner().invoke(main, ["models", "list"]).exit_code == 0


def test_a_stray_folder_among_packages_breaks_no_lookup(no_models: Path) -> None:
    (no_models / "abs" / "model").mkdir(parents=True)  # what an absolute member left behind
    (no_models / ".install-x").mkdir()  # an install in progress
    result = CliRunner().invoke(main, ["models", "list"])
    no_traceback(result)
    assert result.exit_code == 0
    with pytest.raises(Exception, match="no translation model installed for en→de"):
        ArgosEngine().model_version("en", "de")


def test_an_install_failing_midway_leaves_nothing_behind(
    tmp_path: Path, no_models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _package(tmp_path / "ok.argosmodel", {"pkg/model.bin": b"weights"})
    real_extract = argos._extract

    def full(path: Path, archive: zipfile.ZipFile, into: Path) -> None:
        real_extract(path, archive, into)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(argos, "_extract", full)
    result = CliRunner().invoke(main, ["models", "install", str(package)])
    no_traceback(result)
    assert result.exit_code == 1 and "No space left on device" in said(result)
    assert list(no_models.iterdir()) == []
