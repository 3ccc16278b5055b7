"""Page chrome recognised by kind in the ten candidate languages (en ru ko zh ja fr es de
uk ar), and body text that looks a little like chrome kept.

The kinds are those seen translated as body text on pages the rules were not built with
(issue 24): reader-comment blocks, "read also" links with or without accents, related
headlines with their timestamps, editor and byline lines with a date, breadcrumbs,
publication and update stamps, font-size and "load more" widgets, date lines, contributor
lines, comment-policy paragraphs, "topic pages" and "discuss with the author" boxes.
"""

from __future__ import annotations

import pytest

from newsl10n.source.article import parse_text
from newsl10n.source.chrome import chrome_kind, chrome_kinds
from newsl10n.source.segment import Role, classify_blocks

CHROME = {
    "comment": [
        "vasya_pupkin 15.06.2019 08:18 #3",
        "Gast123 · 29.01.2019, 10:15 Uhr",
        "#12 Jean-Pierre, le 12/12/2019 à 07h36",
        "김철수 2019.06.15 08:18 신고",
        "网友 北京市 2019-06-15 08:18 回复",
        "名無しさん 2019/06/15 08:18 返信",
        "Responder | 15 de junio de 2019 a las 08:18",
        "Олена 15.06.2019 о 08:18 Відповісти",
        "John Smith  June 15, 2019 at 8:18 am  Reply",
        "أحمد - 2019/06/15 08:18 رد",
        "Reply #1",
        "- Report Abuse",
        "PepeChan 28.oct.2012 | 11:26 #11 Su cara lo dice todo: la cara es el espejo del alma.",
    ],
    "related": [
        "A lire aussi : Les Bleus battus à Wembley",
        "À lire aussi : Les Bleus battus à Wembley",
        "LIRE AUSSI. Les Bleus battus à Wembley",
        "Lea tambien: El Real Madrid gana la Liga",
        "Lea también: El Real Madrid gana la Liga",
        "Читайте также: Путин прибыл в Пхеньян",
        "Читайте також: Путін прибув до Пхеньяна",
        "Lesen Sie auch: Die Bahn streicht Nachtzüge",
        "Also read: Putin arrives in Pyongyang",
        "اقرأ أيضا: بوتين يصل إلى بيونغ يانغ",
        "اقرأ أيضاً: بوتين يصل إلى بيونغ يانغ",
        "延伸阅读：普京抵达平壤",
        "相关报道：普京抵达平壤",
        "あわせて読みたい：プーチン氏が平壌に到着",
        "관련기사: 푸틴, 평양 도착",
        "함께 읽으면 좋은 기사",
    ],
    "other_story": [
        "08:18 Putin arrives in Pyongyang for a two-day visit",
        "Путин прибыл в Пхеньян 15:20",
        "Путин прибыл в Пхеньян 19 июня 2024, 15:20",
        "Die Bahn streicht Nachtzüge vor 2 Stunden",
        "푸틴, 평양 도착 2시간 전",
        "普京抵达平壤 2小时前",
        "プーチン氏が平壌に到着 2時間前",
        "Les Bleus battus à Wembley il y a 3 heures",
        "El Real Madrid gana la Liga hace 2 horas",
        "Путін прибув до Пхеньяна 2 години тому",
        "بوتين يصل إلى بيونغ يانغ منذ ساعتين",
        "Putin arrives in Pyongyang 2 hours ago",
    ],
    "credit": [
        "责任编辑：张三 2019-06-15",
        "编辑：王五",
        "执笔/叨叨姐",
        "作者：李四 | 2019年06月15日",
        "Von Max Mustermann, 29.01.2019, 10:15 Uhr",
        "Von Max Mustermann | 29. Januar 2019",
        "By Jane Doe, June 15, 2019",
        "Mitarbeit: Anna Schmidt",
        "Contributor: Jane Doe",
        "Colaboró: Ana García",
        "При участии Ивана Петрова",
        "취재 지원: 김철수 기자",
        "김철수 기자 kim@example.co.kr",
        "石佳/中国青年报",
        "(责编：汤诗瑶、丁涛)",
        "Contributing: Liz Szabo, Michael Winter, Associated Press.",
        "kokobj@yna.co.kr",
    ],
    "breadcrumb": [
        "뉴스 > 경제 > 기업·CEO",
        "Home > World > Asia",
        "Главная › Политика › В мире",
        "首页 > 新闻 > 国际",
        "Accueil » Monde » Asie",
    ],
    "dateline": [
        "Publicado: 15/06/2019 08:18",
        "Обновлено 15 июня 2019, 08:18",
        "更新时间：2019-06-15 08:18",
        "입력 2019.06.15 08:18 수정 2019.06.15 09:00",
        "公開日時 2019年06月15日 08時18分",
        "Mis à jour le 12/12/2019 à 07h36",
        "Stand: 29.01.2019 10:15 Uhr",
        "Updated June 15, 2019 8:18 AM ET",
        "Оновлено 15 червня 2019, 08:18",
        "آخر تحديث: 15 يونيو 2019",
        "2019年06月15日08:18 来源：人民网-文化频道",
        "الأحد، 04 آب/اغسطس 2013، آخر تحديث 02:21",
        "الأحد، 04 آب/اغسطس 2013، آخر تحديث 02:21 (GMT+0400)",
        "Dienstag, 29. Januar 2019",
        "Sunday, June 16, 2019",
        "dimanche 16 juin 2019",
        "domingo, 16 de junio de 2019",
        "16 июня 2019",
        "2019년 6월 16일 일요일",
    ],
    "widget": [
        "A A A",
        "A+ A-",
        "글자크기 가 가",
        "字号：大 中 小",
        "Schriftgröße",
        "Taille du texte",
        "Размер шрифта",
        "文字サイズ 小 中 大",
        "Load more",
        "Continue Reading",
        "Mehr laden",
        "Voir plus",
        "Cargar más",
        "Показать еще",
        "Показати ще",
        "加载更多",
        "もっと見る",
        "더보기",
        "تحميل المزيد",
        "인쇄하기",
        "打印本页",
        "字号大中小",
        "印刷する",
        "查看更多>>",
        "더보기>",
        "Show more...",
        "Continue reading...",
        "Load more…",
        "Print | Email",
        "Print Print this page",
        "Permalink https://p.dw.com/p/3WRPd",
        "Send us your feedback.",
        "Reprints",
        "기사 URL이 복사되었습니다.",
        "(END)",
        "(끝)",
    ],
    "policy": [
        "Comments are moderated and will appear after approval. Please keep them civil.",
        "Kommentare werden moderiert. Bitte beachten Sie unsere Netiquette.",
        "Les commentaires sont modérés. Merci de respecter notre charte.",
        "Los comentarios están moderados y deben respetar nuestras normas de participación.",
        "Комментарии модерируются. Редакция не несет ответственности за мнения читателей.",
        "Коментарі модеруються. Редакція не несе відповідальності за думки читачів.",
        "网友评论仅供其表达个人看法，并不表明本网同意其观点。",
        "コメントは運営者の承認後に表示されます。",
        "댓글은 작성자의 의견이며 본사의 입장과 무관합니다.",
        "التعليقات المنشورة تعبر عن رأي أصحابها ولا تعبر عن رأي الموقع.",
        "الآراء الواردة أدناه لا تعبر عن رأي الموقع، بل تعكس وجهات نظر أصحابها فقط.",
        "You must login to comment.",
    ],
    "promotion": [
        "Themenseiten: Deutsche Bahn",
        "Topic pages: Deutsche Bahn",
        "Mit dem Autor diskutieren",
        "Discuss with the author",
        "Обсудить с автором",
        "Tags: Deutsche Bahn, Nachtzug",
        "Schlagworte: Deutsche Bahn, Nachtzug",
        "Теги: Путин, КНДР",
        "标签：普京 朝鲜",
        "Themenseiten zu diesem Artikel:",
        "Diskutieren Sie mit dem Autor - auf Twitter oder auf Instagram!",
        "喜欢这篇文章？去 App 商店搜 好奇心日报 ，每天看点不一样的。",
        "有料会員になると会員限定の有料記事もお読みいただけます。",
    ],
}


@pytest.mark.parametrize(
    ("kind", "text"), [(kind, text) for kind, texts in CHROME.items() for text in texts]
)
def test_chrome_by_kind(kind: str, text: str) -> None:
    assert chrome_kind(text) == kind


BODY = [
    "June 19, 2024, was the day the treaty was signed.",
    "Am 29. Januar 2019 regnete es in ganz Berlin, und die Bahn fiel aus.",
    "By 2030 the company plans to have no coal plants left, it said.",
    "Читайте также, что пишут иностранные СМИ о визите, — посоветовал он журналистам.",
    "He read also the minutes of the previous meeting before he spoke.",
    "2019年6月15日，故宫博物院举行了文物修复成果展，吸引了大量观众。",
    "Die Sitzung begann um 10:15 Uhr und dauerte bis in den Abend, sagte ein Sprecher.",
    "Comments by the minister were moderated by the chair after a long debate on Monday.",
    "The ratio of 3 > 2 > 1 is what the engineers expected from the test.",
    "BY: cutting costs, raising fares and selling the stations",
    "BY: Namensnennung",
    "Their lives today",
    "Reprints of the letters were sold in the market for a few coins each.",
    "He said the print run of the paper would be cut by half next year.",
    "The end came quickly for the old regime (END of an era, wrote one paper).",
    "Trending on social media, the clip was watched ten million times by Monday.",
    "Send us your stories, the editor wrote, and we will read every one of them.",
    "Reprints are rare.",
    "Print is dead.",
    "Trending upward since May.",
]


@pytest.mark.parametrize("text", BODY)
def test_body_text_is_not_chrome(text: str) -> None:
    assert chrome_kind(text) is None


def test_a_list_item_starting_by_is_not_a_credit() -> None:
    text = (
        "How the railway plans to close the gap\n\n"
        "The plan has three parts, the board said on Monday.\n\n"
        "BY: cutting costs, raising fares and selling the stations\n\n"
        "The unions rejected it.\n"
    )
    got = dict((b.text, r) for b, r in classify_blocks(parse_text(text)))
    item = got["BY: cutting costs, raising fares and selling the stations"]
    assert item in (Role.PARAGRAPH, Role.HEADING)  # body, not left out


def test_a_last_line_of_two_sentences_is_prose_not_a_heading() -> None:
    text = (
        "Una solución no violenta para la cuestión mapuche\n\n"
        "El conflicto lleva décadas sin resolverse, según los expertos consultados.\n\n"
        "Andrés Malamud es politólogo e investigador en la Universidad de Lisboa. Martín "
        "Schapiro es abogado administrativista y analista internacional\n"
    )
    got = [r for _, r in classify_blocks(parse_text(text))]
    assert got == [Role.TITLE, Role.PARAGRAPH, Role.PARAGRAPH]


def test_a_section_heading_in_capitals_is_kept() -> None:
    text = (
        "How the railway plans to close the gap\n\n"
        "The plan has three parts, the board said on Monday.\n\n"
        "THE VERDICT\n\n"
        "The unions rejected it, and the strike goes on.\n"
    )
    got = [(b.text, r) for b, r in classify_blocks(parse_text(text))]
    assert ("THE VERDICT", Role.HEADING) in got
    text = text.replace("THE VERDICT", "ADVERTISEMENT")
    got = [(b.text, r) for b, r in classify_blocks(parse_text(text))]
    assert ("ADVERTISEMENT", None) in got  # a known chrome word stays chrome


def test_a_reader_comment_section_is_left_out_and_reported() -> None:
    texts = [
        "Title of the story here",
        "Body one of the story is here.",
        "Body two of the story is here.",
        "vasya_pupkin 15.06.2019 08:18 #3",
        "Great article, thanks!",
        "Olga 15.06.2019 09:00 #4",
        "Nonsense.",
    ]
    kinds = chrome_kinds(texts)
    assert kinds[:3] == [None, None, None]
    assert all(k is not None for k in kinds[3:])


def test_a_counted_comments_line_opens_the_section_early() -> None:
    texts = ["Title of the story", "Body one.", "Body two.", "Readers' Comments (718)"]
    texts += ["Dread-neck Party: Conservative", "Reply #1", "I disagree with all of it."] * 5
    kinds = chrome_kinds(texts)
    assert kinds[:3] == [None, None, None]
    assert all(k is not None for k in kinds[5:])


def test_the_site_name_at_the_top_and_the_other_stories_at_the_end_are_chrome() -> None:
    texts = ["好奇心日报", "这个约会软件想帮你找对象", "正文第一段。", "正文第二段。"]
    assert chrome_kinds(texts)[:2] == ["masthead", None]
    texts = ["Title of it", "Body one.", "Body two.", "À la une de libération.fr"]
    texts += ["Suivez en direct la fin du congrès", "Le pacte de croissance des patrons"]
    assert chrome_kinds(texts)[3:] == ["more_stories"] * 3


@pytest.mark.parametrize(
    "opener", ["Trending On Reuters", "More Must-Reads From TIME", "Trending", "Trending Now:"]
)
def test_a_list_of_other_stories_opened_by_its_label_is_chrome(opener: str) -> None:
    """Seen on Reuters' and TIME's pages: the label, then other stories' headlines."""
    body = [
        f"Paragraph {n} of the story, in which the council voted on the budget." for n in range(6)
    ]
    others = ["Markets slide as oil climbs", "A new museum opens in the old port"]
    kinds = chrome_kinds([*body, opener, *others])
    assert kinds[:6] == [None] * 6 and kinds[6:] == ["more_stories"] * 3


def test_a_short_trending_sentence_does_not_end_the_article() -> None:
    """A second reading: "Trending upward since May." in the last two thirds opened the
    other stories' section, and every block after it became chrome."""
    body = [
        f"Paragraph {n} of the story, in which the council voted on the budget." for n in range(6)
    ]
    texts = [*body, "Trending upward since May.", "The mayor said the vote would stand."]
    assert chrome_kinds(texts) == [None] * 8
