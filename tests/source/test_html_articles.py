"""Saved HTML pages as articles (issue 24): read by the page's own structure, and hostile
pages refused or handled by name, alone, with nothing fetched, expanded or executed."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.news_corpus import GOLD, PAGES
from newsl10n.config import load_settings
from newsl10n.errors import ArticleError
from newsl10n.run import prepare_articles
from newsl10n.source.article import ARTICLE_SUFFIXES, discover_articles, read_article
from newsl10n.source.html import MAX_HTML_BYTES
from newsl10n.source.segment import Role, classify_blocks, segment_blocks

BODY = (
    "<p>The two leaders signed a treaty in Pyongyang on Wednesday, promising mutual help "
    "if either country is attacked, in a ceremony broadcast on state television.</p>"
    "<p>Officials in Seoul said they were studying the text of the agreement closely and "
    "would respond once its terms were clear to them and to their allies.</p>"
)


def page(body: str = BODY, head: str = "", title: str = "Putin and Kim sign a defence pact") -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}"
        f"<title>{title} - Example News</title></head><body>"
        f"<nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li></ul></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer><p>© 2024 Example News. All rights reserved.</p></footer></body></html>"
    )


def chunk(part: str, count: int, extra: str = "") -> str:
    """One chunk of a magazine body cut between ads (the New Yorker's layout, in fundus'
    test data; original text): trafilatura reads the first of such chunks only."""
    paragraphs = "".join(
        f"<p>Paragraph {n} of part {part}: the field team counted the moths again before "
        "dawn, writing each number in a notebook the rain had soaked twice.</p>"
        for n in range(1, count + 1)
    )
    return (
        "<div class='GridWrapper grid ArticlePageChunksGrid'><div class='GridItem'>"
        "<div class='BodyWrapper body body__container article__body'>"
        f"<div class='body__inner-container'>{paragraphs}{extra}</div></div></div></div>"
    )


def roles_of(path: Path) -> list[tuple[str, Role | None]]:
    return [(b.text, r) for b, r in classify_blocks(read_article(path).blocks)]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any attempt to open a connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network used: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield


def test_html_and_htm_files_are_articles(tmp_path: Path) -> None:
    assert {".html", ".htm"} <= set(ARTICLE_SUFFIXES)
    (tmp_path / "a.html").write_text(page())
    (tmp_path / "b.HTM").write_text(page())
    assert [p.name for p in discover_articles(tmp_path)] == ["a.html", "b.HTM"]


def test_a_page_is_read_by_its_structure(tmp_path: Path) -> None:
    body = (
        "<p class='byline'>By: Jane Doe</p>"
        "<figure><img src='x.jpg' alt=''><figcaption>Kim Jong Un greets Vladimir Putin at "
        "the airport. Photo: KCNA</figcaption></figure>" + BODY + "<h2>What the treaty says</h2>"
        "<ul><li>Each side helps the other if it is attacked by a third country.</li>"
        "<li>Both sides will work together on space and energy projects for ten years.</li></ul>"
        "<p>Read more: Putin lands in Pyongyang</p>"
    )
    path = tmp_path / "summit.html"
    path.write_text(page(body))
    article = read_article(path)
    assert article.format == "html" and article.slug == "summit"
    roles = roles_of(path)
    assert roles[0] == ("Putin and Kim sign a defence pact", Role.TITLE)
    kept = {t: r for t, r in roles if r is not None}
    assert kept["What the treaty says"] is Role.HEADING
    assert kept["Each side helps the other if it is attacked by a third country."] is Role.PARAGRAPH
    assert any(r is Role.PARAGRAPH and t.startswith("The two leaders") for t, r in roles)
    left_out = [t for t, r in roles if r is None]
    assert "Read more: Putin lands in Pyongyang" in left_out  # chrome by kind, as in text
    assert not any(t == "Home" or "All rights reserved" in t for t, r in roles if r)


def test_a_body_cut_into_chunks_between_ads_is_read_whole(tmp_path: Path) -> None:
    """A magazine page (the New Yorker's layout, in fundus' test data) cuts its body into
    wrappers of one class with an ad row between them. trafilatura reads the first: 17 of
    36 paragraphs came through, and nothing said the rest was gone."""

    ad = "<div class='RowWrapper full-bleed-ad row-mid-content-ad'></div>"
    body = f"<div class='ArticlePageChunks'>{chunk('one', 8)}{ad}{chunk('two', 5)}{ad}"
    body += f"{chunk('three', 4)}</div>"
    path = tmp_path / "moths.html"
    path.write_text(page(body, title="Counting moths in the rain"))
    kept = [t for t, r in roles_of(path) if r is Role.PARAGRAPH]
    expected = [(part, n) for part, count in (("one", 8), ("two", 5), ("three", 4))
                for n in range(1, count + 1)]  # fmt: skip
    assert [t.split(":")[0] for t in kept] == [f"Paragraph {n} of part {p}" for p, n in expected]


def test_a_line_after_a_break_in_a_list_item_holding_blocks_is_kept(tmp_path: Path) -> None:
    """A second reading: ``<li>First line<br>second line<p>...</p></li>`` gave the first
    line and the paragraph; the line after the break was in neither body nor residue."""
    body = (
        "<ul class='story'><li>Officials met in the port city on Monday morning.<br>"
        "They agreed to meet again in a week, a spokesman said after the talks."
        "<p>The talks are the first since the border was closed two years ago.</p></li></ul>"
    )
    path = tmp_path / "talks.html"
    path.write_text(page(body, title="Officials meet in the port city"))
    texts = [t for t, _r in roles_of(path)]
    assert any("They agreed to meet again in a week" in t for t in texts), texts


def test_the_next_story_of_an_endless_page_is_not_read_as_a_chunk(tmp_path: Path) -> None:
    """A second reading: on an endless page, each story is an ``<article class=story>``
    with a ``div.story-body``; the next story's body was read as a chunk of this one."""
    sentence = "the council met again on Tuesday evening and argued about the harbour budget."

    def story(headline: str, label: str) -> str:
        paragraphs = "".join(f"<p>{label} {n}: {sentence}</p>" for n in range(8))
        return (
            f"<article class='story'><header><h1>{headline}</h1></header>"
            f"<div class='story-body'>{paragraphs}</div></article>"
        )

    path = tmp_path / "feed.html"
    path.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Harbour budget "
        "fight - Example News</title></head><body><main class='feed'>"
        + story("Harbour budget fight", "First story")
        + "<div class='ad'></div>"
        + story("Mayor resigns over scandal", "NEXT STORY")
        + "</main></body></html>"
    )
    kept = [t for t, r in roles_of(path) if r is not None]
    assert not any("NEXT STORY" in t or "Mayor resigns" in t for t in kept), kept
    assert sum(t.startswith("First story") for t in kept) == 8


def test_a_later_chunk_keeps_its_asides_out_of_the_body(tmp_path: Path) -> None:
    aside = "<aside><p><a href='/x'>The council's full budget plan for the harbour</a></p></aside>"
    body = f"<div class='ArticlePageChunks'>{chunk('one', 5)}<div class='ad'></div>"
    body += f"{chunk('two', 5, aside)}</div>"
    path = tmp_path / "moths.html"
    path.write_text(page(body, title="Counting moths in the rain"))
    roles = roles_of(path)
    kept = [t for t, r in roles if r is Role.PARAGRAPH]
    assert sum(t.startswith("Paragraph") for t in kept) == 10
    assert not any("full budget plan" in t for t in kept), kept
    assert any("full budget plan" in t for t, r in roles if r is None)  # reported, not lost


def test_a_later_chunk_keeps_its_linked_blocks_and_an_inline_card(tmp_path: Path) -> None:
    """A third reading: a chunk holding an inline ``<article>`` card was dropped whole
    (10 of 15 paragraphs kept, none reported), and a later chunk's linked heading and
    linked paragraph vanished, in neither body nor residue."""

    card = "<article class='related-card'><p>Bats return to the old mill</p></article>"
    linked = (
        "<h2><a href='#aftermath'>The aftermath of the storm season</a></h2>"
        "<p><a href='/report.pdf'>The full 48-page inspection report on the harbour.</a></p>"
    )
    ad = "<div class='ad'></div>"
    body = f"<div class='ArticlePageChunks'>{chunk('one', 5)}{ad}{chunk('two', 5, card)}{ad}"
    body += f"{chunk('three', 5, linked)}</div>"
    path = tmp_path / "moths.html"
    path.write_text(page(body, title="Counting moths in the rain"))
    roles = roles_of(path)
    kept = [t for t, r in roles if r is Role.PARAGRAPH]
    assert sum(t.startswith("Paragraph") for t in kept) == 15
    texts = [t for t, _r in roles]
    assert "The aftermath of the storm season" in texts
    assert "The full 48-page inspection report on the harbour." in texts


def test_a_caption_and_its_credit_in_blocks_are_not_glued(tmp_path: Path) -> None:
    """Kommersant's figcaptions hold the caption and the credit as two blocks: joined
    without a space they read "...про три тронаФото: Дмитрий Азаров" (one word)."""
    figure = (
        "<figure><img src='x.jpg' alt=''><figcaption><p>The two leaders shake hands in the "
        "hall</p><p>Photo: Jane Roe, Example News</p></figcaption></figure>"
    )
    path = tmp_path / "handshake.html"
    path.write_text(page(figure + BODY))
    layout = segment_blocks(read_article(path).blocks, "en")
    texts = [s.text for s in layout.segments]
    assert "The two leaders shake hands in the hall Photo: Jane Roe, Example News" in texts


def test_a_story_inside_a_list_item_keeps_its_blocks(tmp_path: Path) -> None:
    """The Taipei Times puts the whole story in one ``<li>``: the heading and every
    paragraph came out as one block, glued without spaces ("…drillsThousands of…")."""
    body = (
        "<ul class='story'><li><h2>Manila and Washington begin their drills</h2>"
        "<p>Thousands of troops began joint exercises in the north of the country on Monday, "
        "officials said in a statement.</p><p>The exercises focus on defending the northern "
        "coast, which lies several hundred kilometres from the strait.</p>"
        "<p>The drills run until Wednesday next week and include live-fire training.</p>"
        "</li></ul>"
    )
    path = tmp_path / "drills.html"
    path.write_text(page(body, title="Troops begin war games in the north"))
    roles = [(r, t[:30]) for t, r in roles_of(path)]
    assert roles == [
        (Role.TITLE, "Troops begin war games in the n"[:30]),
        (Role.HEADING, "Manila and Washington begin th"),
        (Role.PARAGRAPH, "Thousands of troops began join"),
        (Role.PARAGRAPH, "The exercises focus on defendi"),
        (Role.PARAGRAPH, "The drills run until Wednesday"),
    ]


@pytest.mark.parametrize(
    ("og_title", "site"),
    [
        ("Troops begin war games in the north | Example News Politics", "Example News"),
        ("Troops begin war games in the north: latest - Example", "Example.co.uk"),
        ("Troops begin war games in the north：例新聞デジタル", "例新聞デジタル"),
        ("Troops begin war games in the north：例新聞", "例新聞デジタル"),
    ],
)
def test_the_site_is_cut_from_the_headline_and_its_copy_is_dropped(
    tmp_path: Path, og_title: str, site: str
) -> None:
    """Real pages' og:title ends with a section or a longer or shorter site name ("| CNN
    Politics", "- Telegraph" on Telegraph.co.uk, "：朝日新聞デジタル"): the title kept it,
    and the <h1> holding the bare headline came out again as a heading."""
    head = f"<meta property='og:title' content='{og_title}'>"
    head += f"<meta property='og:site_name' content='{site}'>"
    path = tmp_path / "drills.html"
    path.write_text(page(BODY, head=head, title="Troops begin war games in the north"))
    roles = roles_of(path)
    headline = "Troops begin war games in the north"
    live = ": latest" if "latest" in og_title else ""  # a live blog's marker is the headline's
    assert roles[0] == (headline + live, Role.TITLE)
    if not live:
        assert [t for t, _r in roles].count(headline) == 1


@pytest.mark.parametrize(
    ("og_title", "site"),
    [
        ("Why Japan Is Shrinking — Time Is Running Out", "TIME"),
        ("Heatwave: The Sun Sets Late on the Longest Day", "The Sun"),
        ("Talks in Geneva - The", "The New York Times"),
        ("Why Japan Is Shrinking — Time Is Up", "TIME"),
    ],
)
def test_a_headline_ending_in_words_that_begin_the_site_name_is_kept(
    tmp_path: Path, og_title: str, site: str
) -> None:
    """A second reading: with the site "TIME", "...— Time Is Running Out" lost its last
    part: only a site name, a shorter form of it, or the site with a section (one or two
    words) is cut."""
    head = f"<meta property='og:title' content='{og_title}'>"
    head += f"<meta property='og:site_name' content='{site}'>"
    path = tmp_path / "story.html"
    path.write_text(page(BODY, head=head, title=og_title))
    assert roles_of(path)[0] == (og_title, Role.TITLE)


def test_a_heading_that_repeats_the_title_but_for_spacing_is_dropped(tmp_path: Path) -> None:
    head = "<meta property='og:title' content='Talks fail: what comes next'>"
    path = tmp_path / "talks.html"
    path.write_text(page(BODY, head=head, title="Talks fail : what comes next"))
    assert [r for t, r in roles_of(path) if "Talks fail" in t] == [Role.TITLE]


def test_a_page_whose_text_is_filled_in_by_scripts_is_refused_by_name(tmp_path: Path) -> None:
    """An audit (a real SCMP page): the body is put in by scripts after loading, so the
    saved page showed a photo caption alone, translated and reported "written", while its
    JSON-LD ``articleBody`` held the 700-word story."""
    story = " ".join(
        f"Sentence {n} of the story says what the council decided about the harbour."
        for n in range(40)
    )
    head = (
        "<script type='application/ld+json'>"
        + json.dumps({"@type": "NewsArticle", "articleBody": story})
        + "</script>"
    )
    body = (
        "<div id='app'><p>The harbour at dawn, seen from the old lighthouse on the hill.</p></div>"
    )
    path = tmp_path / "scripted.html"
    path.write_text(page(body, head=head, title="Council votes on the harbour"))
    with pytest.raises(ArticleError) as err:
        read_article(path)
    message = str(err.value)
    assert str(path) in message and "filled in by scripts" in message and "articleBody" in message


def test_a_page_with_its_text_and_the_same_text_in_metadata_is_read(tmp_path: Path) -> None:
    head = (
        "<script type='application/ld+json'>"
        + json.dumps({"@type": "NewsArticle", "articleBody": "The two leaders signed a treaty."})
        + "</script>"
    )
    path = tmp_path / "plain.html"
    path.write_text(page(BODY, head=head))
    assert read_article(path).format == "html"


def test_comments_are_residue_not_text(tmp_path: Path) -> None:
    comments = (
        "<section id='comments' class='comments'><h3>Comments</h3>"
        "<div class='comment'><p class='comment-author'>reader42</p>"
        "<p>This is a reader's comment that must never be translated as the story.</p></div>"
        "</section>"
    )
    path = tmp_path / "commented.html"
    path.write_text(page(BODY + comments))
    layout = segment_blocks(read_article(path).blocks, "en")
    assert not any("reader's comment" in s.text for s in layout.segments)
    assert any("reader's comment" in r.text for r in layout.residue)


def test_scripts_and_styles_are_never_text(tmp_path: Path, no_network: None) -> None:
    scripts = (
        "<script>document.write('<p>SCRIPTED paragraph that a browser would show.</p>')"
        "</script><style>p::after { content: 'STYLED' }</style>"
        "<noscript><p>NOSCRIPT fallback text for readers without JavaScript.</p></noscript>"
        '<script type=\'application/ld+json\'>{"headline": "LDJSON headline"}</script>'
    )
    path = tmp_path / "scripted.html"
    path.write_text(page(scripts + BODY, head="<script>var TRACKER = 1;</script>"))
    article = read_article(path)
    text = "\n".join(b.text for b in article.blocks)
    for marker in ("SCRIPTED", "STYLED", "NOSCRIPT", "LDJSON", "TRACKER"):
        assert marker not in text


def test_entities_and_doctypes_fetch_and_expand_nothing(tmp_path: Path, no_network: None) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("OUTSIDE SECRET")
    laughs = "".join(f'<!ENTITY l{n + 1} "' + f"&l{n};" * 9 + '">' for n in range(8))
    doctype = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://dtd.invalid/x.dtd" ['
        f'<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY l0 "lol">{laughs}]>'
    )
    body = "<p>&xxe; &l8; " + BODY[3:]
    path = tmp_path / "entities.html"
    path.write_text(doctype + page(body).removeprefix("<!DOCTYPE html>"))
    text = "\n".join(b.text for b in read_article(path).blocks)
    assert "OUTSIDE SECRET" not in text
    assert "lollol" not in text and len(text) < 2000
    assert "The two leaders signed a treaty" in text


def test_a_huge_page_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with path.open("wb") as out:
        out.truncate(MAX_HTML_BYTES + 1)  # sparse: nothing is written or read
    with pytest.raises(ArticleError, match=r"huge\.html: page is 16\.0 MB, over the 16 MB"):
        read_article(path)


def test_deeply_nested_markup_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text(page("<div>" * 100_000 + BODY + "</div>" * 100_000))
    with pytest.raises(ArticleError, match=r"deep\.html: markup nested deeper than 256 levels"):
        read_article(path)


def test_a_page_is_decoded_by_its_declared_charset(tmp_path: Path) -> None:
    title = "Путин и Ким подписали договор"
    body = "<p>" + "Лидеры двух стран подписали договор о взаимной помощи в Пхеньяне. " * 3 + "</p>"
    html = page(body * 2, title=title).replace("charset='utf-8'", "charset='windows-1251'")
    path = tmp_path / "cp1251.html"
    path.write_bytes(html.encode("cp1251"))
    roles = roles_of(path)
    assert roles[0] == (title, Role.TITLE)
    assert roles[1][0].startswith("Лидеры двух стран")


def test_a_stale_charset_on_utf8_bytes_reads_as_utf8(tmp_path: Path) -> None:
    title = "女儿出嫁，郑板桥画了几笔兰花当嫁妆"
    body = (
        "<p>"
        + "今年的6月16日是父亲节。每当诵读那些关于父亲的古诗词，许多人的心中都会涌起情感。" * 3
    )
    html = page(body + "</p>", title=title).replace("charset='utf-8'", "charset='gb2312'")
    path = tmp_path / "stale.html"
    path.write_bytes(html.encode("utf-8"))
    assert roles_of(path)[0] == (title, Role.TITLE)


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        (page().replace("charset='utf-8'", "charset='x-no-such'").encode("latin-1"),
         "declares charset 'x-no-such', which is not an encoding"),
        (page("<p>" + "日本語の記事です。" * 30 + "</p>")
         .replace("charset='utf-8'", "charset='shift_jis'").encode("euc-jp"),
         "not valid shift_jis as its <meta charset> declares"),
        (page("<p>" + "Le président est arrivé à Pyongyang mercredi. " * 5 + "</p>")
         .replace("<meta charset='utf-8'>", "").encode("latin-1"),
         "not valid UTF-8"),
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
         "no article text found in the page"),
        (b"<html><head><title>Empty</title></head><body></body></html>",
         "no article text found in the page"),
        (b"   \n", "article is empty"),
    ],
)  # fmt: skip
def test_pages_that_cannot_be_read_are_refused_by_name(
    tmp_path: Path, html: bytes, problem: str
) -> None:
    path = tmp_path / "bad.html"
    path.write_bytes(html)
    with pytest.raises(ArticleError) as err:
        read_article(path)
    assert str(err.value).startswith(f"{path}: ") and problem in str(err.value)


def test_a_bad_page_fails_alone_and_the_other_articles_go_on(tmp_path: Path) -> None:
    source = tmp_path / "source_articles"
    source.mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.newsl10n]\n", encoding="utf-8")
    (source / "good.html").write_text(page())
    (source / "good.txt").write_text("A Plain Story\n\nLeaders met in Beijing today.\n")
    (source / "deep.html").write_text(page("<div>" * 5000 + BODY + "</div>" * 5000))
    (source / "empty.htm").write_text("<html><body><nav>Home</nav></body></html>")
    with (source / "huge.html").open("wb") as out:
        out.truncate(MAX_HTML_BYTES + 1)
    settings = load_settings(tmp_path)
    prepared, failed = prepare_articles(discover_articles(source), settings, lambda event: None)
    assert sorted(p.slug for p in prepared) == ["good", "good"]
    assert sorted(f.error.split(": ")[0] for f in failed) == [
        str(source / name) for name in ("deep.html", "empty.htm", "huge.html")
    ]


def test_the_corpus_pages_are_read_without_the_network(no_network: None) -> None:
    for name in GOLD:
        assert read_article(PAGES / f"{name}.html").blocks


def test_residue_of_a_page_names_its_source_lines() -> None:
    path = PAGES / "time-oil-spill.html"
    layout = segment_blocks(read_article(path).blocks, "en")
    lines = path.read_bytes().decode("utf-8").split("\n")
    assert layout.residue and all(r.line > 1 for r in layout.residue)
    share = next(r for r in layout.residue if r.text == "LinkedIn")
    assert "LinkedIn" in lines[share.line - 1]
    first = next(s for s in layout.segments if s.role is Role.PARAGRAPH)
    assert "This month, the federal government" in lines[first.line - 1]


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_an_unreadable_page_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "locked.html"
    path.write_text(page())
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who reads any file")
        with pytest.raises(ArticleError, match=r"locked\.html: cannot read"):
            read_article(path)
    finally:
        path.chmod(0o644)
