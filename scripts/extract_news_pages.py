"""Extract real news pages from trafilatura's test suite into plain-text article fixtures.

Writes tests/fixtures/segmentation/pages/NAME.txt the way newsl10n receives scraped news:
the photo caption first (when the page has one and PAGES says so), the headline, then
the text trafilatura extracts with comments and recall favoured (so some page chrome comes
along, as it does from real scrapers), one paragraph per blank-line-separated block. The
expectations (title, paragraphs, chrome) are hand-written in pages.json.

Run once, with trafilatura 2.3.1 and lxml_html_clean installed (not newsl10n dependencies)::

    python scripts/extract_news_pages.py TRAFILATURA_CHECKOUT
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).parents[1] / "tests" / "fixtures" / "segmentation" / "pages"

# fixture name -> (file in trafilatura's tests/eval or tests/cache, language, caption first)
PAGES = {
    "reuters-parasite": ("reuters.com.parasite.html", "en", True),
    "guardian-academics": ("theguardian.com.academics.html", "en", True),
    "cnn-royal": ("edition.cnn.com-royal.html", "en", False),
    "tagesspiegel-abstandsregeln": ("tagesspiegel.de.abstandsregeln.html", "de", True),
    "sueddeutsche-flixtrain": ("sueddeutsche.de.flixtrain.html", "de", False),
    "tdg-chlorothalonil": ("tdg.ch.chlorothalonil.html", "fr", True),
    "elpais-ciencia": ("elpais.com.ciencia.html", "es", True),
    "infobae-ucrania": ("infobae.com-ucrania.html", "es", False),
    "xinhuanet-local": ("xinhuanet.com.c_1125597921.html", "zh", False),
    "nhk-easy": ("nhk.or.jp.k100.html", "ja", False),
    "assabah-article": ("assabah.com.tn.article.html", "ar", False),
    "football-ua-podolski": ("football.ua.podolski.html", "ru", True),
}


def urls(checkout: Path) -> dict[str, str]:
    """Page file -> URL, from trafilatura's evaldata.json and realworld_tests.py."""
    evaldata = json.loads((checkout / "tests" / "evaldata.json").read_text(encoding="utf-8"))
    found = {v["file"]: url for url, v in evaldata.items() if url.startswith("http")}
    source = (checkout / "tests" / "realworld_tests.py").read_text(encoding="utf-8")
    for url, name in re.findall(r'"(https?://[^"]+)": "([^"]+\.html)"', source):
        found.setdefault(name, url)
    return found


def caption_of(html: str) -> str:
    """The first figure caption, else the lead image's alt text."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    for node in tree.xpath("//figcaption | //*[contains(@class, 'caption')]"):
        text = " ".join(node.text_content().split())
        if len(text.split()) >= 4:
            return text
    for node in tree.xpath("//meta[@property='og:image:alt']/@content"):
        if str(node).strip():
            return " ".join(str(node).split())
    return ""


def main() -> None:
    import trafilatura  # type: ignore[import-not-found]

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("checkout", type=Path, help="a checkout of adbar/trafilatura")
    args = parser.parse_args()
    where = urls(args.checkout)
    OUT.mkdir(parents=True, exist_ok=True)
    sources = {}
    for name, (page, lang, captioned) in PAGES.items():
        path = args.checkout / "tests" / "eval" / page
        if not path.exists():
            path = args.checkout / "tests" / "cache" / page
        html = path.read_text(encoding="utf-8", errors="replace")
        body = trafilatura.extract(html, include_comments=True, favor_recall=True) or ""
        meta = trafilatura.extract_metadata(html)
        title = " ".join((meta.title if meta and meta.title else "").split())
        parts = [caption_of(html)] if captioned else []
        lines = [ln.strip() for ln in body.split("\n") if ln.strip()]
        if lines and lines[0] == title:  # the page repeats its headline in the text
            lines = lines[1:]
        parts += [title, *lines]
        text = "\n\n".join(p for p in parts if p) + "\n"
        (OUT / f"{name}.txt").write_text(text, encoding="utf-8")
        sources[name] = {
            "url": where.get(page, ""),
            "page": f"tests/{path.parent.name}/{page}",
            "lang": lang,
        }
        print(f"{name}: {len(text)} chars", file=sys.stderr)
    # pages.json keeps the hand-written expectations; only the source fields are refreshed.
    expected_path = OUT / "pages.json"
    expected = json.loads(expected_path.read_text("utf-8")) if expected_path.exists() else {}
    for name, source in sources.items():
        expected.setdefault(name, {}).update(source)
    expected_path.write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    main()
