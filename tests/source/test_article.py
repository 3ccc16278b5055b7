"""Reading articles: encodings are checked, never guessed into mojibake."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsl10n.errors import ArticleError
from newsl10n.source.article import discover_articles, read_article


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
