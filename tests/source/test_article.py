"""Reading articles: encodings are checked, never guessed into mojibake."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest

from newsl10n.errors import ArticleError
from newsl10n.source.article import discover_articles, is_slug, read_article, slugify, source_paths
from tests.helpers import invoke, no_traceback, said


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_bom_and_crlf_are_normalised(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "\ufeffTitle Here\r\n\r\nA sentence.\r\n".encode())
    article = read_article(path)
    assert [b.text for b in article.blocks] == ["Title Here", "A sentence."]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        ("Путин прибыл в Пхеньян.".encode("cp1251"), "windows-1251"),
        ("Le président est arrivé à Pyongyang.".encode("latin-1"), "latin-1"),
    ],
)
def test_unusable_articles_are_refused_with_file_and_problem(
    tmp_path: Path, data: bytes, problem: str
) -> None:
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(ArticleError) as err:
        read_article(path)
    assert str(path) in str(err.value) and problem in str(err.value)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("name", ["notepad.txt", "notepad.md", "notepad.html"])
def test_an_article_with_a_utf_16_or_32_bom_is_read_by_it(
    tmp_path: Path, codec: str, name: str
) -> None:
    """Windows Notepad's "Unicode" save (UTF-16 with a BOM) was "binary data (NUL
    bytes)"; a byte-order mark names its encoding beyond doubt."""
    text = "Talks resume in Geneva\n\nThe delegations met again on Monday. They talked.\n"
    if name.endswith(".html"):
        text = (
            "<html><head><title>Talks resume in Geneva</title></head><body><article>"
            "<h1>Talks resume in Geneva</h1><p>The delegations met again on Monday, "
            "officials said, and they talked for hours about the ceasefire.</p>"
            "</article></body></html>"
        )
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    path = write(tmp_path, name, bom + text.encode(codec))
    article = read_article(path)
    assert "The delegations met again on Monday" in article.text
    assert "\ufeff" not in article.text


def test_a_bom_over_bytes_it_cannot_decode_is_refused_by_name(tmp_path: Path) -> None:
    path = write(tmp_path, "odd.txt", codecs.BOM_UTF16_LE + b"T\x00i\x00\x00\xd8")
    with pytest.raises(ArticleError) as err:
        read_article(path)
    assert str(path) in str(err.value) and "UTF-16" in str(err.value)


def test_a_front_matter_title_that_is_not_text_is_refused_by_line(tmp_path: Path) -> None:
    """An audit: ``title: [a, b]`` became the msgid "['a', 'b']"."""
    md = write(tmp_path, "x.md", b"---\nslug: x\ntitle: [a, b]\n---\n\nText.\n")
    with pytest.raises(ArticleError, match=r"x\.md:3: front matter title must be text"):
        read_article(md)


def test_slug_from_file_name_and_front_matter(tmp_path: Path) -> None:
    assert read_article(write(tmp_path, "My Story 2024.txt", b"Title\n\nText.\n")).slug == (
        "my-story-2024"
    )
    md = write(tmp_path, "x.md", b"---\nslug: ../escape\n---\n\nText.\n")
    with pytest.raises(ArticleError, match="slug"):
        read_article(md)


def test_broken_front_matter_names_the_line(tmp_path: Path) -> None:
    md = write(tmp_path, "x.md", b"---\ntitle: [unclosed\n---\n\nText.\n")
    with pytest.raises(ArticleError, match=r"x\.md:\d+: front matter"):
        read_article(md)


def test_discovery_finds_text_and_markdown_in_order(tmp_path: Path) -> None:
    for name in ("b.md", "a.txt", "notes.csv", ".hidden.txt"):
        write(tmp_path, name, b"Title\n\nText.\n")
    assert [p.name for p in discover_articles(tmp_path)] == ["a.txt", "b.md"]
    with pytest.raises(ArticleError, match="does not exist"):
        discover_articles(tmp_path / "missing")


SECRET = "The outside secret that must never be read."


LAUGHS = "".join(
    ["---\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    + [
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    + ["title: *i\n---\n\nText.\n"]
)  # the 700-byte "billion laughs": nine levels of nine aliases


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


def test_a_file_name_with_a_line_break_is_refused_by_name(tmp_path: Path) -> None:
    """An audit: "b\\nname.txt" was read, and its name, written raw into the catalogs'
    comment, header and references, broke them (msgfmt: keyword "name" unknown), then
    failed every later article of that language. A PO line cannot hold it: refused."""
    source = tmp_path / "source_articles"
    (source / "sub\nfolder").mkdir(parents=True)
    (source / "a-first.txt").write_text("Title\n\nText.\n")
    (source / "b\nname.txt").write_text("Title\n\nText.\n")
    (source / "sub\nfolder" / "c.txt").write_text("Title\n\nText.\n")
    scan = source_paths(source)
    assert [p.name for p in scan.paths] == ["a-first.txt"]
    assert len(scan.refused) == 2
    for line in scan.refused:
        assert "\n" not in line and "a line break in its name; rename it" in line, line
    assert any(line.startswith(f"{source}/b\\nname.txt: ") for line in scan.refused)


def test_read_article_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")  # opening it would block forever
    (tmp_path / "folder.md").mkdir()
    for name, problem in [("pipe.txt", "FIFO"), ("folder.md", "not a regular file"),
                          ("missing.txt", "cannot read")]:  # fmt: skip
        with pytest.raises(ArticleError, match=problem) as err:
            read_article(tmp_path / name)
        assert str(err.value).startswith(f"{tmp_path / name}: ")


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
