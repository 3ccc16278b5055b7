"""Page chrome and photo captions in scraped news, recognised by kind rather than by length.

Scrapers bring along what surrounds an article: share and follow widgets, "Read more" and
related links, other stories' datelines, newsletter promotions, copyright and licence lines,
editor and contributor credits, footer navigation, comment sections. Each kind has its own
patterns, in the languages newsl10n reads (en, de, fr, es, ru, uk, zh, ja, ko, ar). A block
found here is left out of translation and reported as residue, never dropped silently.

A caption is told from a headline by the evidence it carries: a "Photograph:"-style label,
a ©, or a photo agency or pool credit at its end.
"""

from __future__ import annotations

import re

# Per kind: how a chrome block starts (a regex matched at its start, case-insensitive), and
# phrases it contains (lower case). Matching at the start and substring tests keep this to
# a few microseconds a block (a 5 MB article has 27,000 blocks).
_STARTS: dict[str, str] = {
    # A widget is a few words ("Share this article", "Teilen"), not a sentence about shares.
    "share": r"(?:share|teilen|partager|compartir|поделиться|поширити|공유|シェア"
    r"|follow us|folgen sie uns|suivez-nous|síguenos)\b(?:\s+\S+){0,4}\s*$",
    "gallery": r"(?:slideshow|gallery|bildergalerie|diaporama|galería)\b(?:\s+\S+){0,5}\s*$",
    "related": r"(?:read more|related(?: stories| articles)?|see also|more on this|weiterlesen"
    r"|mehr zum thema|lesen sie auch|lire aussi|à lire aussi|seguir leyendo|lee también"
    r"|leer más|читайте также|читайте тако?ж|相关新闻|相关阅读|関連記事|관련 기사)\b.{0,120}$"
    r"|\[[^\]]{10,300}\]$",  # "[All the latest ... here in our news blog.]"
    "copyright": r"(?:©|\(c\)|copyright\b)",
    "credit": r"\(?(?:con información de|with reporting by|mit material von|avec agences)\b"
    r"|(?:حوار|بقلم|by|von|par|por|texto?|记者|文)\s*[:：]\s*\S.{0,40}$",
    "dateline": r"#\d+(?:\.\d+)*\s+[—–-]\s"  # a comment's number and age: "#2 — vor 8 Stunden"
    r"|(?:créé|publié|mis à jour|updated|published|aktualisiert|veröffentlicht"
    r"|actualizado|publicado|опубликовано|обновлено)\s*[:：]?\s*\d"
    r"|[—–]\s.*\(@\w+\).*\d{4}$",  # an embedded post's signature
    "note": r"※",
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
}
_PHRASES: dict[str, tuple[str, ...]] = {
    "share": ("分享到", "このニュースをシェア"),
    "copyright": (
        "all rights reserved", "alle rechte vorbehalten", "tous droits réservés",
        "todos los derechos reservados", "все права защищены", "版权所有", "無断転載", "무단 전재",
    ),
    "credit": ("contributed to this report", "contributed reporting to this report",
               "editing by", "trust principles"),
}  # fmt: skip
_START = re.compile("|".join(f"(?P<{k}>{p})" for k, p in _STARTS.items()), re.IGNORECASE)

# A short block that opens the comment section: it and everything after it are chrome.
_COMMENTS = re.compile(
    r"^(?:\d+\s+)?(?:comments?|leave a comment|kommentare?|neuester kommentar|kommentar schreiben"
    r"|commentaires?|publier un nouveau commentaire|comentarios?|deja un comentario"
    r"|комментари\w*|коментар\w*|评论|网友评论|コメント|댓글|تعليقات?|إضافة تعليق جديد)\W*$",
    re.IGNORECASE,
)
_NEWSLETTER = re.compile(
    r"\b(?:newsletter|sign up|subscribe|abonnieren|s'abonner|suscr[ií]b\w*)", re.IGNORECASE
)
_CHROME_MAX_CHARS = 300  # chrome lines are short; a longer block is content
_PROMO_TAIL_BLOCKS = 2  # a newsletter mention this close to the end is a promotion

_CAPTION_LABEL = re.compile(
    r"(?:Photograph|Photo|Picture|Foto|Bild|Image|Crédit|Fotografía|Imagen|Фото|写真|摄影|사진)"
    r"\s*[:：]",
    re.IGNORECASE,
)
_AGENCY_END = re.compile(
    r"(?:©|\b(?:Getty(?: Images)?|REUTERS|Reuters|AFP|AP(?: Photo)?|EPA|Keystone|dpa|EFE"
    r"|Xinhua|ANSA|Pool|Sputnik|TASS|Yonhap|Kyodo|Bloomberg)\b)[\w\s/.,-]{0,40}$"
)


def chrome_kinds(texts: list[str]) -> list[str | None]:
    """The chrome kind of each block of an article in order, or None for content."""
    kinds: list[str | None] = []
    in_comments = False
    for i, text in enumerate(texts):
        # In the second half only: a "Comments" line early on is a heading of the story.
        if 2 * i >= len(texts) and len(text) < 60 and _COMMENTS.match(text.strip()):
            in_comments = True
        if in_comments:
            kinds.append("comments")
            continue
        kinds.append(chrome_kind(text, from_end=len(texts) - i))
    return kinds


def chrome_kind(text: str, from_end: int = 0) -> str | None:
    """The kind of chrome one block is, or None; ``from_end`` is 1 for the article's last
    block (0: position unknown)."""
    text = text.strip()
    if not any(c.isalnum() for c in text):
        return "punctuation"  # "-", "***", "|"
    if len(text) > _CHROME_MAX_CHARS:
        return None
    match = _START.match(text)
    if match is not None:
        return match.lastgroup
    lowered = text.lower()
    for kind, phrases in _PHRASES.items():
        if any(p in lowered for p in phrases):
            return kind
    if 0 < from_end <= _PROMO_TAIL_BLOCKS and _NEWSLETTER.search(text):
        return "promotion"
    return None


def has_caption_evidence(text: str) -> bool:
    """A photo label ("Photograph:", "Foto:") or an agency credit at the end ("... EFE")."""
    return bool(_CAPTION_LABEL.search(text) or _AGENCY_END.search(text.strip()))
