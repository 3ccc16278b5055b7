"""Settings from pyproject.toml and the command line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsl10n.cli import main
from newsl10n.config import Settings, load_settings, parse_languages
from newsl10n.errors import ConfigError

ROOT = Path(__file__).parents[1]


def test_repository_defaults() -> None:
    settings = load_settings(ROOT / "tests")
    assert settings.root == ROOT
    assert settings.source == ROOT / "source_articles"
    assert settings.locales == ROOT / "locales"
    assert settings.targets == ("ru", "ko", "zh", "ja", "de", "fr", "es", "uk")
    assert settings.engine_settings.intra_threads >= 1


def test_overrides_replace_only_what_is_given() -> None:
    settings = load_settings(ROOT).with_overrides(targets="de,fr", locales=None)
    assert settings.targets == ("de", "fr")
    assert settings.locales == ROOT / "locales"


@pytest.mark.parametrize("bad", ["xx", "ru,klingon", "RU", "../etc", ""])
def test_unknown_language_codes_are_refused(bad: str) -> None:
    with pytest.raises(ConfigError):
        parse_languages(bad)


def test_unknown_settings_keys_are_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.newsl10n]\ntargest = ["ru"]\n')
    with pytest.raises(ConfigError, match="targest"):
        load_settings(tmp_path)


def test_unknown_settings_in_pyproject_stop_every_command(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.newsl10n]\ntargets = ["ru", "xx"]\n')
    result = CliRunner().invoke(main, ["--project", str(project), "status"])
    assert result.exit_code == 2 and "xx" in result.output


def test_a_path_is_named_relative_to_the_project_root_however_the_root_was_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Catalog references and reports name files by ``Settings.relative``: the one owner
    of that rule. Both sides are resolved each time: a relative root follows the working
    folder, a symlinked one where it points now."""
    project = tmp_path / "project"
    (project / "source_articles").mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(project)
    article = project / "source_articles" / "a.txt"

    def settings_at(root: Path) -> Settings:
        return Settings(root, root / "s", root / "l", root / "b", root / "g")

    for root in (project, link):
        settings = settings_at(root)
        assert settings.relative(article) == "source_articles/a.txt"
        assert settings.relative(link / "source_articles" / "a.txt") == "source_articles/a.txt"
        outside = tmp_path / "elsewhere.txt"
        assert settings.relative(outside) == outside.as_posix()
    monkeypatch.chdir(project)
    here = replace(settings_at(project), root=Path("."))
    assert here.relative(article) == "source_articles/a.txt"
    monkeypatch.chdir(tmp_path)
    assert here.relative(tmp_path / "elsewhere.txt") == "elsewhere.txt"
    moved = tmp_path / "release-2"  # a deploy re-points the symlinked root
    (moved / "source_articles").mkdir(parents=True)
    linked = settings_at(link)
    assert linked.relative(link / "source_articles" / "a.txt") == "source_articles/a.txt"
    link.unlink()
    link.symlink_to(moved)
    assert linked.relative(link / "source_articles" / "a.txt") == "source_articles/a.txt"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('targets = ["RU"]', "targets"),
        ('candidates = ["xx"]', "candidates"),
        ('engine = "google"', "engine"),
        ('device = "gpu"', "device"),
        ("intra_threads = true", "intra_threads"),
        ("source = 5", "source"),
        ('[tool.newsl10n.engines]\n"en-es" = "deepl"', "engine"),
    ],
)
def test_a_bad_setting_names_the_pyproject_it_is_in(
    tmp_path: Path, line: str, problem: str
) -> None:
    """An audit: "targets: 'RU' is not a language code" named no file (beam_size did); a
    device of "gpu" failed only when a model loaded, late in the run; ``true`` passed as
    a thread count and ``source = 5`` became a folder named 5."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f"[tool.newsl10n]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(tmp_path)
    assert str(err.value).startswith(f"{pyproject}: ") and problem in str(err.value)
