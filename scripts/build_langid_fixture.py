"""Build tests/fixtures/langid/{segments,paragraphs}.tsv from human translations in Debian.

Developer tool, not part of the product: it needs the network (``apt-get download``) once,
then works offline on the extracted packages. The product never runs it.

Sources (all Debian bookworm binary packages, extracted with ``dpkg-deb -x``):

* compiled gettext catalogues (``usr/share/locale/<ll>/LC_MESSAGES/*.mo``) of GNOME apps:
  the English ``msgid`` is the source text, the ``msgstr`` the human translation;
* Mallard help pages (``usr/share/help/<ll>/**/*.page``) of ``gnome-user-docs``
  (no Arabic there; Arabic comes from the catalogues only).

Filtering is blind and mechanical (see :func:`clean_catalogue_text`, :func:`keep`): markup,
mnemonics and entities are stripped; strings with placeholders, paths, URLs, keyword lists,
untranslated text (identical to the English source), text found in more than one language,
and text not mostly written in the language's own script are dropped. Then a fixed-seed random
sample is drawn per language. Nothing is picked or edited by hand.

Usage::

    python scripts/build_langid_fixture.py --work /tmp/langid-src [--download]
"""

from __future__ import annotations

import argparse
import html
import random
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import polib

OUT_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "langid"
SEED = 20240611

# package -> (Debian bookworm version, catalogue domain or None for the help pages, licence of
# the translated text as debian/copyright states it for the files it comes from)
PACKAGES: dict[str, tuple[str, str | None, str]] = {
    "gnome-user-docs": ("43.0-2", None, "CC-BY-SA-3.0"),
    "nautilus-data": ("43.2-1", "nautilus", "GPL-3+"),
    "gedit-common": ("44.2-1", "gedit", "GPL-2"),
    "totem-common": ("43.0-2", "totem", "GPL-2+ with a GStreamer exception"),
    "gnome-calculator": ("1:43.0.1-2", "gnome-calculator", "GPL-2+"),
    "gnome-control-center-data": (
        "1:43.6-2~deb12u1",
        "gnome-control-center-2.0",
        "GPL-2+ and GPL-3+ and LGPL-2.1+ and LGPL-2+ and Expat and CC0-1.0",
    ),
}

# our ISO 639-1 code -> locale directories in the packages
LOCALES: dict[str, list[str]] = {
    "en": ["C"],
    "ru": ["ru"],
    "ko": ["ko"],
    "zh": ["zh_CN", "zh_TW"],
    "ja": ["ja"],
    "fr": ["fr"],
    "es": ["es"],
    "de": ["de"],
    "uk": ["uk"],
    "ar": ["ar"],
}

SEGMENTS_PER_LANG = 150
PARAGRAPHS_PER_LANG = 12
SEG_MIN, SEG_MAX = 4, 40
PARA_MIN, PARA_MAX = 100, 600

MALLARD = "{http://projectmallard.org/1.0/}"
# inline Mallard elements whose content is code, file names, keys: paragraphs with them are skipped
CODEY = {"cmd", "code", "file", "key", "keyseq", "sys", "input", "output", "var", "app", "screen"}

# placeholders, markup, paths, URLs, file names, and machine-readable alias lists such as
# gnome-calculator's unit names "mile,miles,mi"
BAD_CHARS = re.compile(r"[%{}$\\/@|<>=_#*+~^\[\]`]|://|\.\.\.\w|\w\.\w|\w,\w")


def script_of(ch: str) -> str:
    """Coarse script class of one letter (only used to check a sample's script)."""
    cp = ord(ch)
    if 0xAC00 <= cp <= 0xD7A3 or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:
        return "hangul"
    if 0x3040 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF or 0xFF66 <= cp <= 0xFF9D:
        return "kana"
    if 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF:
        return "han"
    if 0x0400 <= cp <= 0x04FF:
        return "cyrillic"
    if 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0xFB50 <= cp <= 0xFEFF:
        return "arabic"
    if cp < 0x0250 or 0x1E00 <= cp <= 0x1EFF:
        return "latin"
    return "other"


EXPECTED_SCRIPTS: dict[str, set[str]] = {
    "en": {"latin"},
    "fr": {"latin"},
    "es": {"latin"},
    "de": {"latin"},
    "ru": {"cyrillic"},
    "uk": {"cyrillic"},
    "ko": {"hangul", "han"},
    "zh": {"han"},
    "ja": {"kana", "han"},
    "ar": {"arabic"},
}


def letters(text: str) -> list[str]:
    return [c for c in text if c.isalpha()]


def mostly_in_script(text: str, lang: str) -> bool:
    ls = letters(text)
    if len(ls) < 3:
        return False
    own = sum(1 for c in ls if script_of(c) in EXPECTED_SCRIPTS[lang])
    return own / len(ls) >= 0.75


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def clean_catalogue_text(text: str) -> str:
    """Strip markup, entities and GTK mnemonics from one catalogue string."""
    text = re.sub(r"<[^>]*>", "", text)
    text = html.unescape(text)
    text = re.sub(r"\s*\(_[A-Za-z0-9]\)", "", text)  # CJK style mnemonic "開く(_O)"
    text = re.sub(r"_(?=\w)", "", text)  # "_Open" -> "Open"
    return normalise_space(unicodedata.normalize("NFC", text))


def keep(text: str, lang: str, lo: int, hi: int) -> bool:
    if not lo <= len(text) <= hi:
        return False
    if BAD_CHARS.search(text) or text.count(";") >= 2 or text.endswith(";"):
        return False
    if sum(c.isdigit() for c in text) > 2:
        return False
    return mostly_in_script(text, lang)


def catalogue_pairs(root: Path, domain: str, locale: str) -> Iterator[tuple[str, str]]:
    """(msgid, msgstr) pairs of one compiled catalogue; plurals and keyword lists skipped."""
    path = root / "usr/share/locale" / locale / "LC_MESSAGES" / f"{domain}.mo"
    if not path.exists():
        return
    for entry in polib.mofile(str(path)):
        if not entry.msgid or entry.msgid_plural or not entry.msgstr:
            continue
        if entry.msgctxt and "keyword" in entry.msgctxt.lower():
            continue
        yield entry.msgid, entry.msgstr


def page_texts(path: Path) -> Iterator[tuple[str, bool]]:
    """(text, is_block_clean) for titles, descs and paragraphs in the body of one help page."""
    try:
        tree = ET.parse(path)
    except ET.ParseError:
        return
    page = tree.getroot()
    for el in page.iter():
        tag = el.tag.replace(MALLARD, "")
        if tag not in {"title", "desc", "p"}:
            continue
        if tag in {"title", "desc"} and el.get("type") == "link":
            continue
        inner = {c.tag.replace(MALLARD, "") for c in el.iter() if c is not el}
        clean = not (inner & CODEY) and not any("{" in t and "mallard" not in t for t in inner)
        text = normalise_space(unicodedata.normalize("NFC", "".join(el.itertext())))
        yield text, clean


def collect(work: Path) -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, str]]:
    """Candidate segments and paragraphs per language (+ a source label per text)."""
    segs: dict[str, set[str]] = {lang: set() for lang in LOCALES}
    paras: dict[str, set[str]] = {lang: set() for lang in LOCALES}
    source: dict[str, str] = {}

    def add(lang: str, text: str, label: str) -> None:
        if keep(text, lang, SEG_MIN, SEG_MAX):
            segs[lang].add(text)
            source.setdefault(f"{lang}\t{text}", label)
        elif keep(text, lang, PARA_MIN, PARA_MAX):
            paras[lang].add(text)
            source.setdefault(f"{lang}\t{text}", label)

    # catalogues
    for pkg, (_version, domain, _licence) in PACKAGES.items():
        if domain is None:
            continue
        root = work / pkg
        english: set[str] = set()
        for lang, locales in LOCALES.items():
            if lang == "en":
                continue
            for loc in locales:
                for msgid, msgstr in catalogue_pairs(root, domain, loc):
                    src, dst = clean_catalogue_text(msgid), clean_catalogue_text(msgstr)
                    english.add(src)
                    if dst == src:
                        continue  # untranslated
                    add(lang, dst, f"{pkg}:{loc}/{domain}.mo")
        for text in english:
            add("en", text, f"{pkg}:{domain} msgid")

    # help pages
    help_root = work / "gnome-user-docs" / "usr/share/help"
    c_texts: set[str] = set()
    for page in sorted((help_root / "C").rglob("*.page")):
        for text, _ in page_texts(page):
            c_texts.add(text)
    for lang, locales in LOCALES.items():
        for loc in locales:
            base = help_root / loc
            if not base.is_dir():
                continue
            for page in sorted(base.rglob("*.page")):
                rel = page.relative_to(help_root)
                for text, clean in page_texts(page):
                    if not clean or (lang != "en" and text in c_texts):
                        continue
                    add(lang, text, f"gnome-user-docs:{rel}")

    # text occurring in more than one language is not evidence of either
    for pool in (segs, paras):
        seen: dict[str, int] = {}
        for texts in pool.values():
            for t in texts:
                seen[t] = seen.get(t, 0) + 1
        for lang in pool:
            pool[lang] = {t for t in pool[lang] if seen[t] == 1}
    return segs, paras, source


def sample(
    pool: dict[str, set[str]],
    source: dict[str, str],
    per_lang: int,
    rng: random.Random,
    dev_per_lang: int = 0,
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """Per language: half from help pages, half from catalogues (all catalogues if no help).

    Returns (fixture rows, dev rows): the dev rows are a disjoint sample drawn the same way,
    used to tune thresholds so the fixture stays a held-out test set.
    """
    rows: list[tuple[str, str, str]] = []
    dev: list[tuple[str, str, str]] = []
    for lang in LOCALES:
        items = sorted(pool[lang])
        helps = [t for t in items if source[f"{lang}\t{t}"].startswith("gnome-user-docs:")]
        cats = [t for t in items if not source[f"{lang}\t{t}"].startswith("gnome-user-docs:")]
        total = per_lang + dev_per_lang
        h = rng.sample(helps, min(len(helps), total // 2))
        c = rng.sample(cats, min(len(cats), total - len(h)))
        n_help = min(len(h), per_lang // 2)
        n_cat = min(len(c), per_lang - n_help)
        chosen, rest = h[:n_help] + c[:n_cat], h[n_help:] + c[n_cat:]
        if len(chosen) < per_lang:
            print(f"warning: only {len(chosen)} texts for {lang}", file=sys.stderr)
        rows.extend((lang, t, source[f"{lang}\t{t}"]) for t in chosen)
        dev.extend((lang, t, source[f"{lang}\t{t}"]) for t in rest)
    return rows, dev


def download(work: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    debs = work / "debs"
    debs.mkdir(exist_ok=True)
    pinned = [f"{pkg}={version}" for pkg, (version, _, _) in PACKAGES.items()]
    subprocess.run(["apt-get", "download", *pinned], cwd=debs, check=True)
    for deb in sorted(debs.glob("*.deb")):
        pkg = deb.name.split("_")[0]
        subprocess.run(["dpkg-deb", "-x", str(deb), str(work / pkg)], check=True)


def write_tsv(path: Path, rows: list[tuple[str, str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("lang\ttext\tsource\n")
        for lang, text, src in rows:
            assert "\t" not in text and "\n" not in text
            fh.write(f"{lang}\t{text}\t{src}\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, required=True, help="where packages are extracted")
    ap.add_argument("--download", action="store_true", help="apt-get download + extract first")
    ap.add_argument(
        "--dev", type=Path, help="also write a disjoint tuning sample here (not committed)"
    )
    args = ap.parse_args()
    if args.download:
        download(args.work)
    segs, paras, source = collect(args.work)
    for lang in LOCALES:
        print(f"{lang}: {len(segs[lang])} segment and {len(paras[lang])} paragraph candidates")
    # The dev sample is always drawn (same size as the fixture) so that the fixture does not
    # depend on whether it is written out.
    seg_rows, seg_dev = sample(
        segs, source, SEGMENTS_PER_LANG, random.Random(SEED), SEGMENTS_PER_LANG
    )
    para_rows, para_dev = sample(
        paras, source, PARAGRAPHS_PER_LANG, random.Random(SEED), PARAGRAPHS_PER_LANG
    )
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write_tsv(OUT_DIR / "segments.tsv", seg_rows)
    write_tsv(OUT_DIR / "paragraphs.tsv", para_rows)
    if args.dev:
        args.dev.mkdir(parents=True, exist_ok=True)
        write_tsv(args.dev / "segments.tsv", seg_dev)
        write_tsv(args.dev / "paragraphs.tsv", para_dev)


if __name__ == "__main__":
    main()
