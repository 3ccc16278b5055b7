"""Page chrome and photo captions in scraped news, recognised by kind rather than by length.

Scrapers bring along what surrounds an article: share and follow widgets, "Read more" and
related links, other stories' headlines with their timestamps, breadcrumbs, publication and
update stamps, bylines and editor lines, readers' comments and the comment policy, font-size
and "load more" widgets, tag and topic boxes, newsletter promotions, copyright lines, footer
navigation. Each kind is a table of words per language (en ru ko zh ja fr es de uk ar) and a
shape the words sit in; a block found here is left out of translation and reported as
residue, never dropped silently.

Text is matched with its accents and other combining marks removed ("A lire aussi" is "À
lire aussi", "اقرأ أيضاً" is "اقرا ايضا"), since scrapes and hurried editors drop them; the
tables are folded the same way when compiled.

A date line is told by what is left once its dates, times, weekdays and stamp words
("Updated", "입력", "来源：…") are taken away: nothing, or a source or user name. So
"Dienstag, 29. Januar 2019" is chrome and "Am 29. Januar 2019 regnete es." is not.

A caption is told from a headline by the evidence it carries: a "Photograph:"-style label,
a ©, a photo agency or pool credit, or a photographer's name in capitals after a slash.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from newsl10n.patterns import lazy
from newsl10n.scripts import word_count

_ALNUM = lazy(r"[^\W_]")


def fold(text: str) -> str:
    """``text`` without combining marks (accents, hamza, harakat, dakuten), recomposed; the
    case is kept (tables match case-insensitively where they mean to).

    Mark by mark with ``unicodedata.combining`` rather than one regex class of every mark:
    that class took 65,000 lookups to build, and the tables below fold their words at
    import, so every command paid it (a no-change run, the desk) for a few microseconds
    saved per paragraph."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join([c for c in decomposed if not unicodedata.combining(c)])
    return unicodedata.normalize("NFC", kept)


def _alternatives(table: Mapping[str, str]) -> str:
    """One regex alternation of a per-language table (each value is already ``a|b|c``)."""
    return "|".join(f"(?:{fold(words)})" for words in table.values())


# ---------------------------------------------------------------- dates, times, stamps

MONTHS: Mapping[str, str] = {
    "en": r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?",
    "de": r"januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober|november"
    r"|dezember",
    "fr": r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre"
    r"|décembre",
    "es": r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|sept?iembre|octubre|noviembre"
    r"|diciembre",
    "ru": r"января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря",
    "uk": r"січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада"
    r"|грудня",
    "ar": r"يناير|فبراير|مارس|أبريل|ابريل|مايو|يونيو|يوليو|أغسطس|اغسطس|سبتمبر|أكتوبر|نوفمبر"
    r"|ديسمبر|كانون الثاني|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين الأول"
    r"|تشرين الثاني|كانون الأول",
}
WEEKDAYS: Mapping[str, str] = {
    "en": r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat"
    r"|sun",
    "de": r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag",
    "fr": r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche",
    "es": r"lunes|martes|miércoles|jueves|viernes|sábado|domingo",
    "ru": r"понедельник|вторник|среда|четверг|пятница|суббота|воскресенье",
    "uk": r"понеділок|вівторок|середа|четвер|п'ятниця|п’ятниця|субота|неділя",
    "ar": r"الأحد|الاثنين|الإثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت",
    "ko": r"[월화수목금토일]요일",
    "ja": r"[月火水木金土日]曜日|\([月火水木金土日]\)|（[月火水木金土日]）",
    "zh": r"星期[一二三四五六日天]|周[一二三四五六日]",
}
#: Words that stamp a date: published, updated, source, and the little words around them.
STAMP_WORDS: Mapping[str, str] = {
    "en": r"published|updated|last updated|posted|created|modified|on|at|et|gmt|utc",
    "de": r"stand|aktualisiert|veröffentlicht|erstellt|geändert|zuletzt|am|um|uhr|mez|mesz",
    "fr": r"publié|mis à jour|créé|modifié|le|à|mise à jour",
    "es": r"publicado|actualizado|modificado|el|a las|a la|de|hora",
    "ru": r"опубликовано|обновлено|изменено|дата публикации|в|г\.",
    "uk": r"опубліковано|оновлено|змінено|дата публікації|о|р\.",
    "ar": r"آخر تحديث|تاريخ النشر|نشر في|نشر|تحديث|في|الساعة",
    "ko": r"기사입력|최종수정|입력|수정|업데이트|승인|송고|등록",
    "ja": r"公開日時|更新日時|配信日時|公開|更新|配信|最終更新",
    "zh": r"发布时间|更新时间|发表时间|时间|发布|更新|日期",
}
#: A source label takes the name after it: "来源：人民网-文化频道".
SOURCE_LABELS: Mapping[str, str] = {
    "en": r"source",
    "de": r"quelle",
    "fr": r"source",
    "es": r"fuente",
    "ru": r"источник",
    "uk": r"джерело",
    "ar": r"المصدر",
    "ko": r"출처",
    "ja": r"出典|提供",
    "zh": r"来源|來源|稿源",
}
#: How long ago something was posted: "vor 2 Stunden", "2 hours ago", "2小时前".
AGES: Mapping[str, str] = {
    "en": r"\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago",
    "de": r"vor\s+\d+\s+(?:sekunden|minuten|stunden?|tagen?|wochen?)",
    "fr": r"il y a\s+\d+\s+(?:secondes?|minutes?|heures?|jours?|semaines?)",
    "es": r"hace\s+\d+\s+(?:segundos?|minutos?|horas?|días?|semanas?)",
    "ru": r"\d+\s+(?:секунд\w*|минут\w*|час\w*|дн\w*|день|недел\w*)\s+назад",
    "uk": r"\d+\s+(?:секунд\w*|хвилин\w*|годин\w*|дн\w*|день|тижн\w*)\s+тому",
    "ar": r"منذ\s+(?:\d+\s+)?(?:ثوان|ثانية|دقيقة|دقائق|دقيقتين|ساعة|ساعتين|ساعات|يوم|يومين"
    r"|أيام|أسبوع)",
    "ko": r"\d+\s?(?:초|분|시간|일|주)\s?전",
    "ja": r"\d+\s?(?:秒|分|時間|日|週間)前",
    "zh": r"\d+\s?(?:秒|分钟|小时|天|周)前",
}
_MONTH = _alternatives(MONTHS)
_DATE = (
    r"\d{4}\s?[-./年년]\s?\d{1,2}\s?[-./月월]\s?\d{1,2}\s?[日일]?"  # 2019-06-15, 2019年6月15日
    r"|\d{1,2}\s?[-./]\s?\d{1,2}\s?[-./]\s?\d{2,4}"  # 15.06.2019, 12/12/2019
    rf"|\d{{1,2}}\.?\s*(?:de\s+)?(?:{_MONTH})(?:\s*/\s*(?:{_MONTH}))?\.?(?:,?\s*(?:de\s+)?\d{{4}})"
    rf"|(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}\.?\s+(?:de\s+)?(?:{_MONTH})(?:\s*/\s*(?:{_MONTH}))?"
    rf"|(?:{_MONTH})\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
)
_TIME = (
    r"\d{1,2}\s?[:h時时시]\s?\d{2}(?:\s?[:分분]\s?\d{0,2})?(?:\s?[秒초])?"
    r"(?:\s?(?:uhr|h|am|pm|a\.m\.|p\.m\.))?(?![\d])"
    r"|\(?(?:gmt|utc)\s?[+-]\s?\d{1,2}:?\d{2}\)?"  # "(GMT+0400)"
)
_AGE = _alternatives(AGES)
_STAMP_PART = lazy(
    rf"(?:{_alternatives(SOURCE_LABELS)})\s*[:：]\s*\S.{{0,30}}$"
    rf"|(?<!\w)(?:{_AGE})|(?<!\d)(?:{_DATE})|(?<!\d)(?:{_TIME})"
    rf"|(?<!\w)(?:{_alternatives(WEEKDAYS)}|{_alternatives(STAMP_WORDS)})(?!\w)",
    re.IGNORECASE,
)
_HAS_DATE = lazy(rf"(?<!\w)(?:{_AGE})|(?<!\d)(?:{_DATE})", re.IGNORECASE)
_ENDS_IN_STAMP = lazy(
    rf"\s(?:(?<!\d)(?:{_DATE})(?:,?\s*(?:{_TIME}))?|(?<!\d)(?:{_TIME})|(?:{_AGE}))\s*$",
    re.IGNORECASE,
)
_STARTS_WITH_TIME = lazy(rf"(?:{_TIME})\s+(?=\S)", re.IGNORECASE)

#: Words a reader-comment header carries: reply, report, like.
REPLY_WORDS: Mapping[str, str] = {
    "en": r"reply|report|like|quote",
    "de": r"antworten|melden|zitieren",
    "fr": r"répondre|signaler|citer",
    "es": r"responder|denunciar|citar",
    "ru": r"ответить|пожаловаться|цитировать",
    "uk": r"відповісти|поскаржитися|цитувати",
    "ar": r"رد|الرد|إبلاغ",
    "ko": r"답글|신고|추천|공감",
    "ja": r"返信|通報|いいね",
    "zh": r"回复|举报|点赞|网友",
}
_REPLY = lazy(rf"(?<!\w)(?:{_alternatives(REPLY_WORDS)})(?!\w)", re.IGNORECASE)
_COMMENT_NUMBER = lazy(r"(?<!\w)#\d+(?!\w)")
_USER_NAME = lazy(r"(?<!\S)(?=\S*[^\W\d])(?=\S*[\d_])[\w.-]{3,30}(?!\S)")
_SEPARATORS = lazy(r"[\s,;:：|·•/\\()（）\[\]<>«»\"'“”„–—-]+")
_DIGIT = lazy(r"\d")
_SENTENCE_END = lazy(r"[.!?。！？]\s*$")
_STAMP_LEFTOVER_WORDS = 2  # "Updated June 15, 2019 8:18 AM ET": "ET" may remain
_COMMENT_LEFTOVER_WORDS = 5  # "John Smith June 15, 2019 at 8:18 am Reply"
_STAMP_MAX_CHARS = 120


def _stamp_kind(text: str) -> str | None:
    """ "dateline" for a date or publication stamp, "comment" for a reader comment's header
    (a date with a user name, a comment number or a reply button), else None."""
    if len(text) > _STAMP_MAX_CHARS or _DIGIT.search(text) is None:
        return None
    folded = fold(text)
    if _HAS_DATE.search(folded) is None:
        return None
    left = _STAMP_PART.sub(" ", folded)
    if _SENTENCE_END.search(left) and len(left.split()) > 1:
        return None
    comment = _COMMENT_NUMBER.search(left) or _REPLY.search(left) or _USER_NAME.search(left)
    words = _SEPARATORS.sub(" ", _COMMENT_NUMBER.sub(" ", _REPLY.sub(" ", left))).split()
    if comment and len(words) <= _COMMENT_LEFTOVER_WORDS:
        return "comment"
    if word_count(" ".join(words)) <= _STAMP_LEFTOVER_WORDS and sum(map(len, words)) <= 12:
        return "dateline"
    return None


_COMMENT_START = lazy(rf"\S{{2,30}}\s+(?:{_DATE})\s*[|,·-]?\s*(?:{_TIME})?\s*#\d+\s", re.IGNORECASE)
#: A line of nothing but a comment's buttons: "- Reply", "Reply #1", "Report Abuse".
_COMMENT_BUTTONS = lazy(
    rf"[-•·]?\s*(?:(?:{_alternatives(REPLY_WORDS)})(?:\s+abuse)?|#\d+)"
    rf"(?:\s*[|·]?\s*(?:(?:{_alternatives(REPLY_WORDS)})(?:\s+abuse)?|#\d+))*\s*$",
    re.IGNORECASE,
)


_LABELLED_LINK = lazy(r"[A-ZА-ЯЁ]{2,}(?:\s+[A-ZА-ЯЁ]{2,}){0,2}:\s+[A-ZА-ЯЁ][^.!?。]{10,120}$")


def _other_story(text: str) -> bool:
    """Another story's headline with its time: "08:18 Putin arrives", "... 2 hours ago",
    "... 19 июня 2024, 15:20" (a headline has no full stop before its stamp), or after a
    label in capitals: "IN TEXAS: Family of Ebola patient quarantined"."""
    if _LABELLED_LINK.match(text) and len(text.split()) >= 5:
        return True
    # Arabic says "two hours ago" with a dual noun and no digit: "منذ ساعتين".
    if len(text) > 200 or (_DIGIT.search(text) is None and "منذ" not in text):
        return False
    folded = fold(text)
    head = _STARTS_WITH_TIME.match(folded)
    if head is not None:
        rest = folded[head.end() :]
    else:
        stamp = _ENDS_IN_STAMP.search(folded)
        if stamp is None:
            return False
        rest = folded[: stamp.start()]
    return word_count(rest) >= 2 and not re.search(r"[.!?。！？:,;]\s*$", rest)


# ---------------------------------------------------------------- kinds by their start

#: A person's name in a Latin or Cyrillic byline: two to four capitalised words (a list item
#: "BY: Namensnennung" is a licence term, not a person).
_NAME = (
    r"(?-i:[A-ZА-ЯЁІЇЄҐ][\w'’.-]*(?:\s+(?:(?:de|da|del|van|von|der|al|el|la|le|bin|y)\s+)?"
    r"[A-ZА-ЯЁІЇЄҐ][\w'’.-]*){1,3})"
)
_LATIN_BYLINE = (
    r"(?:by|von|par|por|автор|author|авторка)\s*[:：]?\s*"
    rf"{_NAME}(?:\s*(?:,|\||·|•|–|—|-|/|and|und|et|y|и|і)\s*.{{0,60}})?$"
)
BYLINE_LABELS: Mapping[str, str] = {
    "en": r"text|photos?|graphics?",
    "de": r"text|fotos?|grafik|mitarbeit",
    "fr": r"texte|photos?|avec",
    "es": r"texto|fotos?|colaboró|colaboracion",
    "ru": r"текст|фото|редактор",
    "uk": r"текст|фото|редактор",
    "ar": r"حوار|بقلم|إعداد|تحرير|مراسل",
    "zh": r"执笔|作者|记者|撰文|文|图|摄影|编辑|责任编辑|责编|编审|校对|通讯员|参与报道",
    "ja": r"文|写真|取材|編集|協力",
    "ko": r"글|사진|편집|취재 지원|취재",
}
#: How the name of a news outlet ends: "中国青年报", "人民网", "Washington Post".
OUTLET_ENDS: Mapping[str, str] = {
    "en": r"news|times|post|daily|herald|tribune|journal|gazette|today",
    "de": r"zeitung|nachrichten|rundschau|kurier|anzeiger|blatt",
    "fr": r"journal|quotidien|presse|info",
    "es": r"diario|noticias|periódico|prensa",
    "ru": r"газета|новости|ведомости|известия",
    "uk": r"газета|новини|правда",
    "ar": r"اليوم|الأخبار|نيوز",
    "zh": r"日报|晚报|时报|青年报|报|网|新闻|客户端|通讯社",
    "ja": r"新聞|ニュース|通信",
    "ko": r"일보|신문|뉴스|통신",
}
CONTRIBUTOR_WORDS: Mapping[str, str] = {
    "en": r"contributors?|contributing|contributed by|with reporting by|additional reporting by",
    "de": r"mit material von|unter mitarbeit von",
    "fr": r"avec agences|avec afp",
    "es": r"con información de|colaboraron",
    "ru": r"при участии",
    "uk": r"за участю",
}
#: A Korean byline: "김철수 기자", perhaps with an e-mail address.
_KOREAN_BYLINE = r"\S{2,5}\s?(?:기자|특파원|통신원)(?:\s*[=·]?\s*\S+@\S+)?\s*$"
_E_MAIL = r"\S+@\S+\.\w+"
RELATED_WORDS: Mapping[str, str] = {
    "en": r"read more|related(?: stories| articles| news)?|see also|more on this|also read"
    r"|read also|recommended",
    "de": r"weiterlesen|mehr zum thema|lesen sie auch|auch interessant|das könnte sie auch"
    r" interessieren",
    "fr": r"lire aussi|à lire aussi|a lire aussi|lire également|voir aussi|sur le même sujet",
    "es": r"seguir leyendo|lee también|lea también|leer más|te puede interesar"
    r"|noticias relacionadas",
    "ru": r"читайте также|читать также|смотрите также|по теме",
    "uk": r"читайте також|читайте тож|дивіться також|за темою",
    "ar": r"اقرأ أيضا|اقرأ أيضاً|اقرأ المزيد|مواضيع ذات صلة|أخبار ذات صلة",
    "zh": r"相关新闻|相关阅读|延伸阅读|相关报道|推荐阅读|相关文章|精彩推荐|精彩视频推荐|热门推荐",
    "ja": r"関連記事|関連ニュース|あわせて読みたい|併せて読みたい",
    "ko": r"관련 ?기사|함께 읽으면 좋은 기사|함께 볼만한 뉴스|추천 기사",
}
WIDGET_WORDS: Mapping[str, str] = {
    "en": r"font size|text size|load more|show more|more stories|print|listen|continue reading"
    r"|main content|skip to (?:main )?content",
    "de": r"schriftgröße|mehr laden|mehr anzeigen|drucken|vorlesen",
    "fr": r"taille du texte|taille de la police|voir plus|charger plus|imprimer|écouter",
    "es": r"tamaño de (?:letra|fuente|texto)|cargar más|ver más|imprimir|escuchar",
    "ru": r"размер шрифта|показать (?:еще|ещё|больше)|загрузить еще|распечатать",
    "uk": r"розмір шрифту|показати (?:ще|більше)|завантажити ще|друкувати",
    "ar": r"حجم الخط|تحميل المزيد|المزيد|طباعة",
    "zh": r"字号|字体|字體|加载更多|查看更多|打印",
    "ja": r"文字サイズ|もっと見る|さらに表示|印刷",
    "ko": r"글자 ?크기|더 ?보기|인쇄",
}
#: Widget lines matched whole (nothing may follow: "Reprints are rare." is a sentence).
WIDGET_LINES: Mapping[str, str] = {
    "en": r"(?:print )?print this (?:page|article|story)|permalink(?: https?://\S+)?"
    r"|send us your feedback\.?|reprints(?: (?:&|and) permissions)?|\(end\)"
    r"|(?:print|e-?mail|share)(?:\s*[|·•]\s*(?:print|e-?mail|share))+",
    "ko": r"기사 ?url이 복사되었습니다\.?|\(끝\)",
}
TOPIC_WORDS: Mapping[str, str] = {
    "en": r"topic pages?|topics|tags|keywords",
    "de": r"themenseiten?|themen|schlagworte|stichworte|tags",
    "fr": r"pages thématiques|thèmes|mots-clés|mots clés|tags",
    "es": r"temas|etiquetas|palabras clave|tags",
    "ru": r"темы|теги|ключевые слова",
    "uk": r"теми|теги|ключові слова",
    "ar": r"الوسوم|كلمات مفتاحية|مواضيع",
    "zh": r"标签|关键词|关键字|专题",
    "ja": r"タグ|キーワード|トピックス",
    "ko": r"태그|키워드|관련 태그",
}
DISCUSS_WORDS: Mapping[str, str] = {
    "en": r"discuss with the author|ask the author|join the discussion|write to the author",
    "de": r"mit dem autor diskutieren|diskutieren sie mit(?: dem autor)?|schreiben sie dem autor",
    "fr": r"discuter avec l'auteur|réagir à cet article|écrire à l'auteur",
    "es": r"debatir con el autor|escribe al autor|participa en el debate",
    "ru": r"обсудить с автором|написать автору|обсудить",
    "uk": r"обговорити з автором|написати автору|обговорити",
    "ar": r"ناقش الكاتب|راسل الكاتب",
    "zh": r"与作者讨论|联系作者|参与讨论",
    "ja": r"著者と議論|筆者に質問",
    "ko": r"기자와 대화|기자에게 제보|기자 구독",
}

_WIDGET_PIECE = r"(?:\s+|\s*[:：]\s*|(?=[^\w\s]|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]))"
_STARTS: dict[str, str] = {
    # A widget is a few words ("Share this article", "Teilen"), not a sentence about shares.
    "share": r"(?:share|teilen|partager|compartir|поделиться|поширити|공유|シェア"
    r"|follow us|folgen sie uns|suivez-nous|síguenos)\b(?:\s+\S+){0,4}\s*$",
    "gallery": r"(?:slideshow|gallery|bildergalerie|diaporama|galería)\b(?:\s+\S+){0,5}\s*$",
    "related": rf"(?:{_alternatives(RELATED_WORDS)})(?!\s*,)(?:\b|(?=\s*[:：.]))"
    r"(?!\w).{0,120}$"
    r"|\[[^\]]{10,300}\]$",  # "[All the latest ... here in our news blog.]"
    "copyright": r"(?:©|\(c\)|copyright\b)",
    "credit": rf"\(?(?:{_alternatives(CONTRIBUTOR_WORDS)})(?!\w)\s*[:：]?\s*\S.{{0,80}}$"
    rf"|[(（\[]?(?:{_alternatives(BYLINE_LABELS)})\s*[:：/／]\s*\S.{{0,40}}$"
    rf"|\w{{2,5}}\s*[/／]\s*\w{{2,12}}(?:{_alternatives(OUTLET_ENDS)})\s*$"
    rf"|{_LATIN_BYLINE}|{_KOREAN_BYLINE}|(?:\S{{1,30}}\s+)?{_E_MAIL}\s*$",
    "dateline": r"#\d+(?:\.\d+)*\s+[—–-]\s"  # a comment's number and age: "#2 — vor 8 Stunden"
    r"|(?:créé|publié|mis à jour|updated|published|aktualisiert|veröffentlicht"
    r"|actualizado|publicado|опубликовано|обновлено)\s*[:：]?\s*\d"
    r"|[—–]\s.*\(@\w+\).*\d{4}$",  # an embedded post's signature
    "note": r"※",
    # Breadcrumbs: "뉴스 > 경제 > 기업·CEO", "Accueil » Monde » Asie" (not a French quote).
    "breadcrumb": r"(?!.*«)[^>›»\n]{1,30}(?:\s[>›»]\s[^>›»\n]{1,30})+$",
    # Footer navigation: "Home | News | Sport", or one short legal link.
    "footer": r"(?:[^|·•\n]{1,30}[|·•]\s*){2,}[^|·•\n]{1,30}$"
    r"|(?:privacy policy|terms of (?:use|service)|cookie (?:settings|policy)|impressum"
    r"|datenschutz(?:erklärung)?|mentions légales|aviso legal|política de privacidad"
    r"|политика конфиденциальности|隐私政策|プライバシーポリシー|개인정보처리방침)"
    r"(?:\s+\S+){0,3}\s*$",
    # Another story's dateline and headline: "19.06.2024 | Putin arrives", "June 19, 2024 - ..."
    "other_story": r"(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}, \d{4})"
    r"\s*[|–—-]\s*\S.{0,150}$",
    # A widget word and up to four short pieces, each after a space or a colon ("字号：大
    # 中 小"), or straight after it when it is CJK or punctuation ("인쇄하기", "Show
    # more..."), never inside a Latin word: "Print is dead." is a sentence.
    "widget": rf"(?:{_alternatives(WIDGET_WORDS)})(?:{_WIDGET_PIECE}\S{{1,3}}){{0,4}}\s*$"
    r"|(?-i:A[+-]?(?:\s+A[+-]?){1,3})\s*$"
    rf"|(?:{_alternatives(WIDGET_LINES)})\s*$",
    "promotion": rf"(?:{_alternatives(TOPIC_WORDS)})(?:\s+\S+){{0,3}}\s*[:：]\s*(?:\S.{{0,150}})?$"
    rf"|(?:{_alternatives(DISCUSS_WORDS)})(?!\w).{{0,60}}$",
}
_START = lazy("|".join(f"(?P<{k}>{fold(p)})" for k, p in _STARTS.items()), re.IGNORECASE)

#: Phrases a block of a kind contains, per language (any case).
POLICY_PHRASES: Mapping[str, tuple[str, ...]] = {
    "en": ("comments are moderated", "comment policy", "community guidelines",
           "comments are closed", "login to comment", "log in to comment",
           "logged in to comment"),
    "de": ("kommentare werden moderiert", "netiquette", "kommentarfunktion",
           "kommentarbereich"),
    "fr": ("commentaires sont modérés", "charte de modération", "les commentaires sont fermés"),
    "es": ("comentarios están moderados", "normas de participación", "comentarios están cerrados"),
    "ru": ("комментарии модерируются", "правила комментирования"),
    "uk": ("коментарі модеруються", "правила коментування"),
    "ar": ("التعليقات المنشورة", "تعبر عن رأي أصحابها", "مراجعة التعليقات", "لا تعبر عن رأي",
           "وجهات نظر أصحابها"),
    "zh": ("网友评论仅供", "评论仅代表网友", "不代表本网观点", "并不表明本网同意"),
    "ja": ("承認後に表示", "コメントのルール", "コメントは運営"),
    "ko": ("본사의 입장과 무관", "댓글 운영 원칙", "댓글은 작성자"),
}  # fmt: skip
APP_PHRASES: Mapping[str, tuple[str, ...]] = {
    "en": ("download our app", "get the app", "in the app store"),
    "de": ("app herunterladen", "laden sie die app", "in unserer app"),
    "fr": ("téléchargez l'application", "télécharger l'application", "notre application"),
    "es": ("descarga la app", "descargue la aplicación", "nuestra app"),
    "ru": ("скачайте приложение", "скачать приложение"),
    "uk": ("завантажте застосунок", "завантажити застосунок"),
    "ar": ("حمل التطبيق", "حمّل التطبيق", "تطبيق الهاتف"),
    "zh": ("app 商店", "app商店", "下载客户端", "下载app"),
    "ja": ("アプリをダウンロード", "アプリで読む"),
    "ko": ("앱 다운로드", "앱에서 보기"),
}  # fmt: skip
#: A paywall's offer in the article's text (only where its wording cannot be news).
PAYWALL_PHRASES: Mapping[str, tuple[str, ...]] = {
    "ja": ("有料会員になると", "会員限定の有料記事"),
}
_PHRASES: dict[str, tuple[str, ...]] = {
    "share": ("分享到", "转播到", "このニュースをシェア"),
    "copyright": (
        "all rights reserved", "alle rechte vorbehalten", "tous droits réservés",
        "todos los derechos reservados", "все права защищены", "版权所有", "無断転載", "무단 전재",
    ),
    "credit": ("contributed to this report", "contributed reporting to this report",
               "editing by", "trust principles"),
    "policy": tuple(p for phrases in POLICY_PHRASES.values() for p in phrases),
    "promotion": tuple(
        p for table in (APP_PHRASES, PAYWALL_PHRASES) for phrases in table.values() for p in phrases
    ),
}  # fmt: skip
_FOLDED_PHRASES = {k: tuple(fold(p).casefold() for p in v) for k, v in _PHRASES.items()}
#: Longer blocks of these kinds are still chrome (a comment policy is a paragraph).
_MAX_CHARS = {"policy": 600}

#: A line that opens the page's list of other stories: "À la une de libération.fr".
MORE_STORIES: Mapping[str, str] = {
    "en": r"top stories|most read|most popular|more stories|latest news|more must-reads"
    r"|trending(?:\s+(?:now|on)\b[:：]?|\s*[:：]?\s*$)",  # not "Trending upward since May."
    "de": r"meistgelesen|meist gelesen|top-artikel|weitere artikel|neueste artikel",
    "fr": r"à la une|les plus lus|les plus partagés|dernières actualités",
    "es": r"lo más leído|más leídas|últimas noticias",
    "ru": r"самое читаемое|последние новости|популярное",
    "uk": r"найпопулярніше|останні новини",
    "ar": r"الأكثر قراءة|آخر الأخبار|الأكثر مشاهدة",
    "zh": r"热门新闻|热点新闻|最新新闻|排行榜|热门推荐",
    "ja": r"人気記事|アクセスランキング|最新ニュース",
    "ko": r"많이 본 뉴스|인기 기사|최신 뉴스",
}
_MORE_STORIES = lazy(rf"(?:{_alternatives(MORE_STORIES)})(?:\s+\S+){{0,3}}\s*$", re.IGNORECASE)

# A short block that opens the comment section: it and everything after it are chrome.
_COMMENTS = lazy(
    r"^(?:\d+\s+)?(?:(?:readers['’]?\s+)?comments?(?:\s*\(\d+\))?|leave a comment"
    r"|kommentare?|neuester kommentar|kommentar schreiben"
    r"|commentaires?|publier un nouveau commentaire|comentarios?|deja un comentario"
    r"|комментари\w*|коментар\w*|评论|网友评论|コメント|댓글|تعليقات?|إضافة تعليق جديد)\W*$",
    re.IGNORECASE,
)
_NEWSLETTER = lazy(
    r"\b(?:newsletter|sign up|subscribe|abonnieren|s'abonner|suscr[ií]b\w*)", re.IGNORECASE
)
_CHROME_MAX_CHARS = 300  # chrome lines are short; a longer block is content
#: The site's name at the top of the page: "好奇心日报", "USA Today" (capitalised words).
_MASTHEAD = lazy(
    rf"(?:\w{{1,8}}|(?-i:[A-Z]\w*\s+){{1,2}})(?:{_alternatives(OUTLET_ENDS)})$", re.IGNORECASE
)
_MASTHEAD_BLOCKS = 3  # only among the page's first blocks
_PROMO_TAIL_BLOCKS = 2  # a newsletter mention this close to the end is a promotion

#: One- or two-word lines in capitals that are chrome, not a section heading.
CHROME_WORDS: Mapping[str, str] = {
    "en": r"advertisement|advertising|sponsored|comments?|share|related|newsletter|video|photos?",
    "de": r"anzeige|werbung|kommentare?|teilen|video|fotos?",
    "fr": r"publicité|commentaires?|partager|vidéo|photos?",
    "es": r"publicidad|anuncio|comentarios?|compartir|vídeo|video|fotos?",
    "ru": r"реклама|комментарии|поделиться|видео|фото",
    "uk": r"реклама|коментарі|поширити|відео|фото",
    "ar": r"إعلان|تعليقات|فيديو",
    "zh": r"广告|评论|视频",
    "ja": r"広告|コメント|動画",
    "ko": r"광고|댓글|동영상",
}
_CHROME_WORD = lazy(rf"(?:{_alternatives(CHROME_WORDS)})\W*$", re.IGNORECASE)

CAPTION_LABELS: Mapping[str, str] = {
    "en": r"photograph|photo|picture|image|video|watch",
    "de": r"foto|bild|video",
    "fr": r"crédit|photo|vidéo",
    "es": r"fotografía|foto|imagen|vídeo|video",
    "ru": r"фото|видео",
    "uk": r"фото|відео",
    "ar": r"صورة|فيديو",
    "zh": r"摄影|图片|视频",
    "ja": r"写真|動画",
    "ko": r"사진|영상|동영상",
}
_CAPTION_LABEL = lazy(rf"(?:{_alternatives(CAPTION_LABELS)})\s*[:：]", re.IGNORECASE)
_AGENCY_END = lazy(
    r"(?:©|\b(?:Getty(?: Images)?|REUTERS|Reuters|AFP|AP(?: Photo)?|EPA|Keystone|dpa|EFE"
    r"|Xinhua|ANSA|Pool|Sputnik|TASS|Yonhap|Kyodo|Bloomberg)\b)[\w\s/.,-]{0,40}$"
)
# A photographer's name in capitals after a slash: "... madrileño. / GORKA LEJARCEGI".
_PHOTOGRAPHER_END = lazy(
    r"\s/\s*(?-i:[A-ZÀ-ÞА-ЯЁ][A-ZÀ-ÞА-ЯЁ'’.-]+(?:\s+[A-ZÀ-ÞА-ЯЁ'’.()-]+){0,4})$"
)


def chrome_kinds(texts: list[str]) -> list[str | None]:
    """The chrome kind of each block of an article in order, or None for content.

    In the article's second half a "Comments" line opens the comment section (it and
    everything after it are chrome), and so does a reader comment's header (a date with a user
    name, a comment number or a reply button) in its last two thirds or after a "Comments"
    line anywhere ("Readers' Comments (718)" before 700 comments is early in the page). A
    "Top stories" / "À la une" line in the last two thirds opens the page's other stories, to
    its end. Among the first blocks, the site's name ("好奇心日报") is chrome.
    """
    kinds: list[str | None] = []
    section: str | None = None  # "comments" or "more_stories": every block from here on
    in_comments = opener = False
    for i, text in enumerate(texts):
        late = 2 * i >= len(texts)
        if len(text) < 60 and _COMMENTS.match(text.strip()):
            in_comments = late
            opener = True
        if 3 * i >= len(texts) and len(text) < 60 and _MORE_STORIES.match(fold(text.strip())):
            section = "more_stories"  # the page's other stories, to its end
        elif in_comments and section is None:
            section = "comments"
        if section is not None:
            kinds.append(section)
            continue
        kind = chrome_kind(text, from_end=len(texts) - i)
        if kind is None and i < _MASTHEAD_BLOCKS and _MASTHEAD.fullmatch(fold(text.strip())):
            kind = "masthead"
        in_comments = kind == "comment" and (opener or 3 * i >= len(texts))
        kinds.append(kind)
    return kinds


def chrome_kind(text: str, from_end: int = 0) -> str | None:
    """The kind of chrome one block is, or None; ``from_end`` is 1 for the article's last
    block (0: position unknown)."""
    text = text.strip()
    if _ALNUM.search(text) is None:
        return "punctuation"  # "-", "***", "|"
    if len(text) > max(_MAX_CHARS.values()):
        return None
    folded = fold(text)
    lowered = folded.casefold()
    for kind, phrases in _FOLDED_PHRASES.items():
        if len(text) <= _MAX_CHARS.get(kind, _CHROME_MAX_CHARS) and any(
            p in lowered for p in phrases
        ):
            return kind
    if _COMMENT_START.match(folded):
        return "comment"  # a reader's comment, its header first: "PepeChan 28.oct.2012 ... #11"
    if len(text) > _CHROME_MAX_CHARS:
        return None
    match = _START.match(folded)
    if match is not None:
        return match.lastgroup
    stamp = _stamp_kind(text)
    if stamp is not None:
        return stamp
    if _COMMENT_BUTTONS.match(folded):
        return "comment"
    if _other_story(text):
        return "other_story"
    if 0 < from_end <= _PROMO_TAIL_BLOCKS and _NEWSLETTER.search(text):
        return "promotion"
    return None


def is_chrome_word(text: str) -> bool:
    """A line in capitals that is chrome whatever follows ("ADVERTISEMENT", "ANZEIGE")."""
    return _CHROME_WORD.match(fold(text.strip())) is not None


def has_caption_evidence(text: str) -> bool:
    """A photo or video label ("Photograph:", "Foto:", "VIDEO:"), an agency credit at the
    end ("... EFE"), or a photographer in capitals after a slash ("... / GORKA LEJARCEGI")."""
    text = text.strip()
    return bool(
        _CAPTION_LABEL.search(text) or _AGENCY_END.search(text) or _PHOTOGRAPHER_END.search(text)
    )
