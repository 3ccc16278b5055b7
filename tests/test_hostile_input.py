"""Hostile input (issue 14): every bad file is refused alone, by name, with no traceback,
nothing is read from outside the source folder, and output encoders keep their structure."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from markdown_it import MarkdownIt

from newsl10n.catalog import store
from newsl10n.cli import main
from newsl10n.config import load_settings
from newsl10n.engines import argos
from newsl10n.engines.argos import ArgosEngine
from newsl10n.errors import ArticleError
from newsl10n.glossary.load import load_glossary
from newsl10n.pipeline import prepare_article, translate_pair, write_template
from newsl10n.qa import invisible_characters
from newsl10n.source.article import is_slug, read_article, slugify, source_paths
from tests.conftest import ROOT, SEED
from tests.helpers import SLUG, po_in, po_path, pot_path
from tests.test_hostile import EchoEngine

SECRET = "The outside secret that must never be read."
LAUGHS = "".join(
    ["---\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    + [
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    + ["title: *i\n---\n\nText.\n"]
)  # the 700-byte "billion laughs": nine levels of nine aliases


def invoke(project: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--project", str(project), *args])


def said(result: Result) -> str:
    """The command's output with the console's line wrapping undone (long paths)."""
    return result.output.replace("\n", "")


def no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


def echo_catalog(project: Path, lang: str = "de") -> Path:
    """The seed's catalog for ``lang`` written with an instant engine (no model)."""
    settings = load_settings(project)
    result = translate_pair(
        prepare_article(project / "source_articles" / SEED.name, settings),
        lang,
        EchoEngine(),
        settings,
    )
    assert not result.error, result.error
    return Path(result.catalog)


# ---------------------------------------------------------------- 1: what a source is


def test_a_source_is_a_regular_file_inside_the_folder(tmp_path: Path) -> None:
    source = tmp_path / "source_articles"
    (source / "sub").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text(SECRET)
    (source / "good.txt").write_text("Title\n\nText.\n")
    (source / "sub" / "nested.md").write_text("# Title\n\nText.\n")
    (source / "inside-link.txt").symlink_to(source / "good.txt")
    (source / "outside.txt").symlink_to(tmp_path / "secret.txt")
    (source / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (source / "linked-folder").symlink_to(tmp_path)
    (source / "folder.txt").mkdir()
    os.mkfifo(source / "pipe.txt")
    (source / "notes.csv").write_text("not an article")
    (source / ".hidden.txt").symlink_to(tmp_path / "secret.txt")
    scan = source_paths(source)
    assert [p.relative_to(source).as_posix() for p in scan.paths] == [
        "good.txt",
        "inside-link.txt",
        "sub/nested.md",
    ]
    refused = "\n".join(scan.refused)
    for name, problem in [
        ("outside.txt", "outside the source folder"),
        ("dangling.txt", "cannot be read"),
        ("linked-folder", "linked folders are not followed"),
        ("folder.txt", "a folder"),
        ("pipe.txt", "FIFO"),
    ]:
        assert f"{source / name}: " in refused and problem in refused, (name, refused)
    assert len(scan.refused) == 5


def test_read_article_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")  # opening it would block forever
    (tmp_path / "folder.md").mkdir()
    for name, problem in [("pipe.txt", "FIFO"), ("folder.md", "not a regular file"),
                          ("missing.txt", "cannot read")]:  # fmt: skip
        with pytest.raises(ArticleError, match=problem) as err:
            read_article(tmp_path / name)
        assert str(err.value).startswith(f"{tmp_path / name}: ")


# ---------------------------------------------------------------- 2: language tags


@pytest.mark.parametrize(
    ("tag", "code"), [("en-US", "en"), ("pt_BR", "pt"), ("zh-Hant", "zh"), ("EN", "en"),
                      ("zh-Hant-TW", "zh"), ("ru", "ru")],
)  # fmt: skip
def test_front_matter_language_tags_become_project_codes(
    tmp_path: Path, tag: str, code: str
) -> None:
    md = tmp_path / "story.md"
    md.write_text(f"---\nlanguage: {tag}\n---\n\n# Title\n\nText.\n")
    assert read_article(md).declared_lang == code
    assert read_article(md, ("en", "ru", "pt", "zh")).declared_lang == code


@pytest.mark.parametrize(
    ("tag", "languages", "problem"),
    [("english", None, "not a language tag"), ("xx-YY", None, "unknown language code"),
     ("en US", None, "not a language tag"), ("pt-BR", ("en", "ru"), "not configured")],
)  # fmt: skip
def test_a_bad_language_tag_refuses_that_article_by_name(
    tmp_path: Path, tag: str, languages: tuple[str, ...] | None, problem: str
) -> None:
    md = tmp_path / "story.md"
    md.write_text(f"---\nlanguage: {tag}\n---\n\n# Title\n\nText.\n")
    with pytest.raises(ArticleError, match=problem) as err:
        read_article(md, languages)
    assert str(err.value).startswith(f"{md}: front matter language: ")


# ---------------------------------------------------------------- 3: YAML front matter


@pytest.mark.parametrize(
    ("front", "problem"),
    [
        (LAUGHS, "anchors or aliases"),
        ("---\nslug: &s story\ntitle: *s\n---\n\nText.\n", "anchors or aliases"),
        ("---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\n\nText.\n", "nested deeper"),
    ],
    ids=["billion-laughs", "one-alias", "deep-nesting"],
)
def test_front_matter_with_aliases_or_deep_nesting_is_refused(
    project: Path, front: str, problem: str
) -> None:
    article = project / "source_articles" / "laughs.md"
    article.write_text(front)
    result = invoke(project, "bundle", str(article))
    no_traceback(result)
    assert result.exit_code == 1 and f"{article}:" in said(result) and problem in said(result)


# ---------------------------------------------------------------- 4: TBX limits


def test_a_deeply_nested_tbx_is_a_glossary_problem_not_a_crash(project: Path) -> None:
    deep = project / "glossaries" / "deep.tbx"
    body = "<p>" * 2000 + "x" + "</p>" * 2000
    deep.write_text(f'<?xml version="1.0"?>\n<martif type="TBX"><text><body>{body}</body>'
                    "</text></martif>\n")  # fmt: skip
    result = invoke(project, "glossary", "check")
    no_traceback(result)
    assert result.exit_code == 1 and f"{deep}:2" in said(result)
    assert "nested deeper than 64 levels" in said(result)
    run = invoke(project, "status")  # every command loading the glossary stays usable
    no_traceback(run)


# ---------------------------------------------------------------- 5: model packages


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


# ---------------------------------------------------------------- 6: make stop


def test_make_stop_ends_exactly_the_recorded_groups(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    (clone / "flows").mkdir(parents=True)
    shutil.copy(ROOT / "Makefile", clone)
    shutil.copy(ROOT / "flows" / "serve.py", clone / "flows")
    (clone / "flows" / "__init__.py").write_text("")
    (clone / ".prefect").mkdir()
    sleeper = [sys.executable, "-c", "import time; time.sleep(300)"]
    # What `make serve` starts: each child a session (process group) of its own, with a
    # grandchild in the same group.
    shell = "sleep 300 & wait"
    served = [subprocess.Popen(["sh", "-c", shell], start_new_session=True) for _ in range(2)]
    # Not ours: a look-alike `pkill -f "prefect worker start --pool newsl10n"` would match.
    decoy = subprocess.Popen([*sleeper, "prefect worker start --pool newsl10n-staging"],
                             start_new_session=True)  # fmt: skip
    try:
        from flows.serve import _group_alive, _started

        time.sleep(0.3)
        groups = [[p.pid, _started(p.pid)] for p in served]
        groups.append([decoy.pid, "12345"])  # a recorded PID now reused by another program
        pids = clone / ".prefect" / "serve.json"
        pids.write_text(json.dumps({"serve": [0, ""], "groups": groups}) + "\n")
        env = {k: v for k, v in os.environ.items() if k != "NEWSL10N_PROJECT"}
        done = subprocess.run(["make", "-s", "stop", f"PYTHON={sys.executable}"], cwd=clone,
                              env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stderr
        for proc in served:
            assert proc.wait(timeout=20) is not None
            assert not _group_alive(proc.pid)  # the grandchild went with its group
        assert decoy.poll() is None
        assert not pids.exists()
        again = subprocess.run(["make", "-s", "stop", f"PYTHON={sys.executable}"], cwd=clone,
                               env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
        assert again.returncode == 0 and "nothing to stop" in again.stdout
        assert decoy.poll() is None
    finally:
        for proc in [*served, decoy]:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    assert "pkill" not in (ROOT / "Makefile").read_text()


# ---------------------------------------------------------------- 7: slugs


@pytest.mark.parametrize("slug", ["abc\n", "..", ".", "-x", "a/b", "x.", "A", "a" * 101, ""])
def test_unsafe_front_matter_slugs_are_refused(tmp_path: Path, slug: str) -> None:
    assert not is_slug(slug)
    md = tmp_path / "story.md"
    md.write_text(f"---\nslug: {json.dumps(slug)}\n---\n\nText.\n")
    with pytest.raises(ArticleError, match="slug"):
        read_article(md)


def test_non_latin_file_names_get_stable_distinct_slugs() -> None:
    assert slugify("Путин в Пхеньяне") == "putin-v-pkheniane"
    assert slugify("Київ 2024") == "kiiv-2024"
    assert slugify("Café crème") == "cafe-creme"
    cjk = {slugify(name) for name in ("北京峰会", "上海", "平壤", "...", "---")}
    assert len(cjk) == 5 and all(is_slug(s) and s.startswith("article-") for s in cjk)
    assert slugify("北京峰会") == slugify("北京峰会")
    assert slugify("Putin 北京") != slugify("Putin 上海")
    assert slugify("My Story 2024") == "my-story-2024"


def test_a_catalog_named_dots_never_builds_outside_its_folder(project: Path) -> None:
    good = echo_catalog(project)
    shutil.copy(good, good.parent / "...po")  # slug ".."
    result = invoke(project, "bundle", "--zip")
    no_traceback(result)
    assert result.exit_code == 1
    assert f"{good.parent / '...po'}: '..' is not a safe slug" in said(result)
    bundles = project / "bundles"
    assert (bundles / "de" / SLUG / "article.md").is_file()
    assert not (bundles / "de" / "article.md").exists() and not (bundles / "article.md").exists()
    with zipfile.ZipFile(bundles / f"{SLUG}.zip") as archive:
        assert all(n.startswith(f"{SLUG}/de/") for n in archive.namelist())
    assert sorted(p.name for p in bundles.iterdir()) == ["de", "index.html", f"{SLUG}.zip"]


# ---------------------------------------------------------------- 8: CSV export


def test_csv_export_neutralises_formulas_and_reads_back_the_same(project: Path) -> None:
    shutil.rmtree(project / "glossaries")
    (project / "glossaries").mkdir()
    (project / "glossaries" / "formulas.csv").write_text(
        "en,de,note\n"
        '"=HYPERLINK(""http://evil.example"",""x"")",=1+2,+cmd|calc\n'
        "@SUM(A1),-Minus,\n",
        encoding="utf-8",
    )
    out = project / "export.csv"
    result = invoke(project, "glossary", "export", "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    cells = [cell for row in csv.reader(io.StringIO(out.read_text())) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells and "'@SUM(A1)" in cells
    assert "'+cmd|calc" in cells and "'-Minus" in cells
    from newsl10n.glossary.csvformat import parse_csv

    terms, _ = parse_csv(out, out.read_bytes())
    forms = {t.forms["en"]: t for t in terms}
    assert forms['=HYPERLINK("http://evil.example","x")'].forms["de"] == "=1+2"
    assert forms["@SUM(A1)"].forms["de"] == "-Minus"
    assert forms['=HYPERLINK("http://evil.example","x")'].note == "+cmd|calc"


# ---------------------------------------------------------------- 9: Markdown output


def test_msgstr_block_syntax_stays_text_in_article_md(project: Path) -> None:
    path = echo_catalog(project)
    po = polib.pofile(str(path), wrapwidth=0)
    paragraphs = [e for e in po if e.msgctxt.startswith("paragraph:")]
    hostile = ["Text.\n\n# Owned heading", "- a list item", "1. numbered", "> quoted",
               "Line\n===", "    indented code", "Text\n\n<script>x</script>"]  # fmt: skip
    for entry, text in zip(paragraphs, hostile, strict=False):
        entry.msgstr = text
    po.save(str(path))
    result = invoke(project, "bundle", "--to", "de")
    assert result.exit_code == 0, result.output
    md = (project / "bundles" / "de" / SLUG / "article.md").read_text()
    tokens = MarkdownIt("commonmark").parse(md)
    kinds = {t.type for t in tokens}
    assert not kinds & {"bullet_list_open", "ordered_list_open", "blockquote_open",
                        "code_block", "html_block", "hr"}  # fmt: skip
    headings = [t for t in tokens if t.type == "heading_open"]
    assert len(headings) == len([e for e in po if e.msgctxt.split(":")[0] in ("title", "heading")])
    assert "Owned heading" in md and "<script>" not in md


# ---------------------------------------------------------------- 10: invisible characters


def test_qa_flags_bidi_controls_and_zero_width_characters(project: Path) -> None:
    path = echo_catalog(project)
    po = polib.pofile(str(path), wrapwidth=0)
    paragraphs = [e for e in po if e.msgctxt.startswith("paragraph:")]
    paragraphs[0].msgstr = "Pay \u202egnp.exe\u202c now."
    paragraphs[1].msgstr = paragraphs[1].msgid + "\u200b"
    po.save(str(path))
    result = invoke(project, "qa", "--json")
    found = [f for f in json.loads(result.stdout) if f["kind"] == "invisible-character"]
    assert result.exit_code == 1
    assert [(f["severity"], f["msgctxt"]) for f in found] == [
        ("error", paragraphs[0].msgctxt),
        ("error", paragraphs[0].msgctxt),
        ("warning", paragraphs[1].msgctxt),
    ]
    assert "U+202E RIGHT-TO-LEFT OVERRIDE in the translation at character 5" in found[0]["message"]


def test_joiners_are_allowed_where_a_script_needs_them() -> None:
    assert invisible_characters("I want", "می\u200cخواهم") == []  # Persian ZWNJ
    assert invisible_characters("Kshatriya", "क्\u200dष") == []  # Devanagari ZWJ
    assert invisible_characters("family", "👨\u200d👩\u200d👧") == []  # emoji ZWJ sequence
    assert [i.severity for i in invisible_characters("a\u200cb", "x\u2066y\u2069")] == [
        "warning",
        "error",
        "error",
    ]


@pytest.fixture
def locked_out(project: Path, tmp_path: Path) -> Iterator[Path]:
    """A lock file that is a symlink to a file a translator cares about."""
    victim = tmp_path / "precious.po"
    victim.write_text("precious")
    locks = project / "locales" / ".locks"
    locks.mkdir(parents=True)
    (locks / f"de--{SLUG}.po.lock").symlink_to(victim)
    yield victim
    assert victim.read_text() == "precious"  # never followed, never truncated


def test_a_symlinked_lock_fails_that_catalog_by_name(project: Path, locked_out: Path) -> None:
    settings = load_settings(project)
    prepared = prepare_article(project / "source_articles" / SEED.name, settings)
    result = translate_pair(prepared, "de", EchoEngine(), settings)
    lock = project / "locales" / ".locks" / f"de--{SLUG}.po.lock"
    assert result.error.startswith(f"{po_path(project, 'de')}: ")
    assert f"cannot take the lock {lock} (it is a symbolic link: remove it)" in result.error
    assert not translate_pair(prepared, "fr", EchoEngine(), settings).error


def test_a_read_only_locales_folder_fails_by_name(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(project)
    prepared = prepare_article(project / "source_articles" / SEED.name, settings)

    def read_only(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)  # as root, chmod cannot make one
    result = translate_pair(prepared, "de", EchoEngine(), settings)
    assert "cannot take the lock" in result.error and "Read-only file system" in result.error
    assert result.error.startswith(f"{po_path(project, 'de')}: ")


def test_a_template_that_cannot_be_written_fails_its_article_by_name(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(project)
    prepared = prepare_article(project / "source_articles" / SEED.name, settings)

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.os, "replace", full)
    with pytest.raises(store.CatalogError) as err:
        write_template(prepared, settings)
    pot = pot_path(project)
    assert str(err.value) == f"{pot}: cannot write catalog: No space left on device"
    assert not pot.exists() and [p.name for p in pot.parent.iterdir()] == [".locks"]


def test_a_latin_1_header_on_a_utf_8_file_is_named_and_left_alone(project: Path) -> None:
    path = echo_catalog(project, "ru")
    path.write_text(path.read_text().replace("charset=UTF-8", "charset=ISO-8859-1"))
    before = path.read_bytes()
    article = project / "source_articles" / SEED.name
    article.write_text(article.read_text().replace("COMMENTS", "A closing line.“"))
    settings = load_settings(project)
    result = translate_pair(prepare_article(article, settings), "ru", EchoEngine(), settings)
    assert result.error.startswith(f"{path}: the header declares charset=ISO-8859-1")
    assert path.read_bytes() == before
    for command in (["qa"], ["bundle"], ["status"]):
        shown = invoke(project, *command)
        no_traceback(shown)
        assert shown.exit_code != 0 and "charset=ISO-8859-1" in said(shown), command


def test_text_a_declared_charset_cannot_hold_is_a_catalog_error(tmp_path: Path) -> None:
    po = polib.POFile(wrapwidth=0, encoding="iso-8859-1")
    po.metadata = {"Content-Type": "text/plain; charset=ISO-8859-1"}
    po.append(polib.POEntry(msgid="Putin", msgstr="Путин"))
    with pytest.raises(store.CatalogError, match="charset=UTF-8"):
        store.write_if_changed(po, tmp_path / "x.po", None)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- 11: overlong input


def test_long_input_is_cut_at_sentence_then_clause_boundaries() -> None:
    sentence = ["▁One", "▁two", "▁three", "."] * 30  # 120 tokens of four-token sentences
    chunks = argos._chunks(sentence, 50)
    assert all(len(c) <= 50 and c[-1] == "." for c in chunks)
    assert sum(map(len, chunks)) == len(sentence)
    clauses = (["▁a", "▁b", ","] + ["▁w"] * 7) * 20
    assert all(c[-1] == "," for c in argos._chunks(clauses, 40)[:-1])


def test_a_1_mb_one_line_article_fails_its_long_segment_by_name(
    project: Path, copy_models: Path
) -> None:
    words = " ".join(SEED.read_text(encoding="utf-8").replace(".", "").split())
    line = (words + " ") * (1_000_000 // len(words) + 1)
    article = project / "source_articles" / "one-line.txt"
    article.write_text(f"A One-Line Story\n\n{line[:1_000_000]}\n", encoding="utf-8")
    settings = load_settings(project)
    prepared = prepare_article(article, settings)
    glossary = load_glossary(settings.glossary)
    result = translate_pair(prepared, "de", ArgosEngine(), settings, glossary=glossary)
    assert result.failed == 2 and not result.error  # the article's segments, no crash
    po = polib.pofile(result.catalog)
    notes = {e.msgctxt: e.comment for e in po}
    assert all("token limit for one segment: split that paragraph" in n for n in notes.values())


# ---------------------------------------------------------------- all of it in one run


def test_a_run_over_every_bad_input_translates_the_good_article(
    project: Path, copy_models: Path, prefect_server: None, tmp_path: Path
) -> None:
    source = project / "source_articles"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"Secret Title\n\n{SECRET}\n")
    (source / "linked.txt").symlink_to(outside / "secret.txt")
    os.mkfifo(source / "pipe.txt")
    (source / "folder.txt").mkdir()
    (source / "laughs.md").write_text(LAUGHS)
    (source / "us.md").write_text("---\nlanguage: en-US\n---\n\n# US Story\n\nA short text.\n")
    (source / "bad-tag.md").write_text("---\nlanguage: xx-YY\n---\n\n# Title\n\nText.\n")
    (source / "newline-slug.md").write_text('---\nslug: "abc\\n"\n---\n\n# Title\n\nText.\n')
    (source / "latin1.txt").write_bytes("Le président est arrivé.".encode("latin-1"))
    (source / "北京峰会.txt").write_text("Beijing Summit\n\nLeaders met in Beijing today.\n")
    words = " ".join(SEED.read_text(encoding="utf-8").replace(".", "").split())
    (source / "one-line.txt").write_text("A One-Line Story\n\n" + words * 420 + "\n")
    result = invoke(project, "run", "--to", "de")
    no_traceback(result)
    assert result.exit_code == 1
    names = ("laughs.md", "bad-tag.md", "newline-slug.md", "latin1.txt", "linked.txt",
             "pipe.txt", "folder.txt")  # fmt: skip
    for name in names:
        assert str(source / name) in said(result), name
    assert "one-line → de: 2 segment(s) left untranslated" in said(result)
    locales, bundles = project / "locales", project / "bundles"
    assert (po_in(locales, "de")).is_file()
    assert (bundles / "de" / SLUG / "article.html").is_file()
    assert (po_in(locales, "de", "us")).is_file()  # en-US read as en
    assert (po_in(locales, "de", slugify("北京峰会"))).is_file()
    written = [p for folder in (locales, bundles) for p in folder.rglob("*") if p.is_file()]
    assert not [p for p in written if "outside secret" in p.read_text(errors="replace")]
    assert not (po_in(locales, "de", "linked")).exists()
