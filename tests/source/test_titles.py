"""Titles, captions and credits of a text scrape, decided from evidence that generalises.

Each case is the shape of a failure seen on pages the rules were not built with (issue
24): a headline ending in an abbreviation, a CJK headline with an inner "！", datelines,
bylines, video and photo captions next to the headline, and a headline the extractor
repeats. The expected roles are what a reader of the page sees.
"""

from __future__ import annotations

from newsl10n.source.article import parse_text
from newsl10n.source.segment import Role, classify_blocks

BODY = (
    "The two governments agreed on Monday to reopen their embassies, officials said.\n\n"
    "The talks will continue next month in Geneva, according to a statement.\n"
)


def roles(text: str) -> list[tuple[str, Role | None]]:
    return [(b.text, r) for b, r in classify_blocks(parse_text(text))]


def title_of(text: str) -> list[str]:
    return [t for t, r in roles(text) if r is Role.TITLE]


def test_a_headline_ending_in_an_abbreviation_is_a_headline() -> None:
    head = "Cuba Takes Steps to Restore Diplomatic Relations With U.S."
    assert title_of(f"{head}\n\n{BODY}") == [head]
    assert title_of(f"Merger Talks Collapse at Acme Holdings Inc.\n\n{BODY}") == [
        "Merger Talks Collapse at Acme Holdings Inc."
    ]


def test_a_sentence_ending_in_an_abbreviation_is_still_no_headline() -> None:
    text = f"He said the talks would go on in the U.S. He left.\n\n{BODY}"
    assert title_of(text) == []


def test_a_cjk_headline_with_inner_exclamation_or_question_marks() -> None:
    head = "这届年轻人太难了！为什么都不想结婚？"
    body = "最近，一项调查显示，越来越多的年轻人选择不结婚。专家认为原因很多。\n\n第二段在这里。\n"
    assert title_of(f"{head}\n\n{body}") == [head]
    assert title_of(f"{head}\n\n执笔/叨叨姐\n\n{body}") == [head]
    assert title_of(f"执笔/叨叨姐 2019-06-15\n\n{head}\n\n{body}") == [head]
    japanese = "まさか！なぜ今なのか？政府の新方針"
    assert title_of(
        f"{japanese}\n\n政府は15日、新たな方針を発表した。関係者が明らかにした。\n"
    ) == [japanese]


def test_a_cjk_paragraph_is_not_a_headline_because_of_its_marks() -> None:
    text = "他说：“这是好事！”我们都同意。\n\n第二段的内容在这里。\n"
    assert title_of(text) == []


def test_a_byline_never_wins() -> None:
    body = "最近，一项调查显示，越来越多的年轻人选择不结婚。专家认为原因很多。\n"
    text = f"这届年轻人太难了！为什么都不想结婚\n\n执笔/叨叨姐\n\n{body}"
    got = roles(text)
    assert [t for t, r in got if r is Role.TITLE] == ["这届年轻人太难了！为什么都不想结婚"]
    assert ("执笔/叨叨姐", None) in got  # left out, reported as residue
    assert not any(r is Role.CAPTION for _, r in got)


def test_datelines_are_never_the_title() -> None:
    cases = [
        (
            "故宫文物修复师的一天：与时间对话",
            "2019年06月15日08:18 来源：人民网-文化频道",
            "故宫博物院的文物修复师们每天都在和时间对话。他们的工作细致而漫长。\n\n"
            "修复一件文物往往需要数月甚至数年。\n",
        ),
        (
            "مجلس النواب يصادق على قانون الموازنة الجديد",
            "الأحد، 04 آب/اغسطس 2013، آخر تحديث 02:21",
            "صادق مجلس النواب اليوم على قانون الموازنة العامة للسنة الجديدة بعد نقاش طويل.\n\n"
            "وقال رئيس المجلس إن القانون سيدخل حيز التنفيذ الشهر المقبل.\n",
        ),
        (
            "Bahn streicht Nachtzüge nach Paris und Wien",
            "Dienstag, 29. Januar 2019",
            "Die Deutsche Bahn streicht ab Dezember mehrere Nachtzüge, teilte das Unternehmen "
            "mit.\n\nFahrgastverbände kritisierten die Entscheidung scharf.\n",
        ),
    ]
    for head, dateline, body in cases:
        got = roles(f"{head}\n\n{dateline}\n\n{body}")
        assert [t for t, r in got if r is Role.TITLE] == [head], dateline
        assert (dateline, None) in got, dateline
        assert not any(r is Role.CAPTION for _, r in got), dateline


def test_photo_and_video_captions_are_never_the_title() -> None:
    head = "La sanidad madrileña suma 200 médicos de familia menos que hace un año"
    caption = "Sala de espera de un ambulatorio madrileño. / GORKA LEJARCEGI"
    body = (
        "La Comunidad de Madrid cuenta con menos médicos de familia que el año pasado, "
        "según datos del sindicato.\n\nLos pacientes esperan hasta diez días para una cita.\n"
    )
    for text in (f"{caption}\n\n{head}\n\n{body}", f"{head}\n\n{caption}\n\n{body}"):
        got = roles(text)
        assert [t for t, r in got if r is Role.TITLE] == [head]
        assert (caption, Role.TITLE) not in got
    video = "VIDEO: Así fue la llegada de los primeros pacientes al nuevo hospital"
    got = roles(f"{head}\n\n{video}\n\n{body}")
    assert [t for t, r in got if r is Role.TITLE] == [head]


def test_a_repeated_headline_is_merged_not_called_a_caption() -> None:
    head = "Putin and Kim Sign Mutual Defense Pact in Pyongyang"
    for first in (head, f"{head} - Example News", f"{head} | Example News"):
        got = roles(f"{first}\n\n{head}\n\n{BODY}")
        assert [t for t, r in got if r is Role.TITLE] == [head] or [
            t for t, r in got if r is Role.TITLE
        ] == [first]
        assert not any(r is Role.CAPTION for _, r in got)
        assert sum(r is Role.TITLE for _, r in got) == 1
        assert len([r for _, r in got if r is None]) == 1  # the repeat, reported as residue


def test_a_repeat_without_the_byline_tail_is_merged() -> None:
    first = "2012 map takes unfamiliar shape - Maggie Haberman and Shira Toeplitz"
    got = roles(f"{first}\n\n2012 map takes unfamiliar shape\n\n{BODY}")
    assert [t for t, r in got if r is Role.TITLE] == [first]
    assert ("2012 map takes unfamiliar shape", None) in got


def test_a_longer_line_after_the_headline_is_its_standfirst_not_the_title() -> None:
    head = "Как платить кредиты «покойным» банкам"
    standfirst = (
        "Что делать, если у вашего банка-кредитора отозвали лицензию или в нем введено "
        "внешнее управление"
    )
    body = "Самое распространенное заблуждение – если банк обанкротился, долга нет.\n"
    assert title_of(f"{head}\n\n{standfirst}\n\n{body}") == [head]
    video = (
        "Travelers at the airport express concerns about the screening measures in place "
        "to prevent cases of Ebola. VPC"
    )
    head = "Liberia says Dallas Ebola patient lied on exit documents"
    assert title_of(f"{head}\n\n{video}\n\n{BODY}") == [head]


def test_kickers_and_site_names_are_never_the_title() -> None:
    head = "这个约会软件，想用你和对方的相似好恶来帮你找对象"
    got = roles(f"好奇心日报\n\n智能\n\n{head}\n\n人们对于讨厌的事物总是能很有共同话题。\n")
    assert [t for t, r in got if r is Role.TITLE] == [head]
    assert ("好奇心日报", None) in got and ("智能", None) in got
    head = "Jury Finds Dylann Roof Guilty In S.C. Church Shooting"
    got = roles(f"{head}\n\nAmerica\n\n{head}\n\n{BODY}")
    assert [t for t, r in got if r is Role.TITLE] == [head]
    assert [t for t, r in got if r is None] == ["America", head]


def test_a_caption_with_a_headline_after_it_still_works() -> None:
    text = (
        "Putin and Kim attend a welcoming ceremony on Kim Il Sung Square in Pyongyang\n\n"
        "Putin and Kim Sign Mutual Defense Pact\n\n"
        "The two leaders signed a treaty on Wednesday.\n"
    )
    assert [r for _, r in roles(text)] == [Role.CAPTION, Role.TITLE, Role.PARAGRAPH]
