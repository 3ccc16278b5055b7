"""Generated English news articles for the benchmarks: varied sentences, exact segment counts.

Sentences come from templates filled with news vocabulary (people, places, institutions,
figures, dates, quotes) and from the seed article in ``source_articles/``; every sentence of
an article is distinct. Articles are plain text laid out as scraped (title line, paragraphs,
an occasional heading), and each is checked with newsl10n's own reader and segmenter, so
"500 segments" means 500 segments as the pipeline counts them.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[1]
SEED_ARTICLE: Final = ROOT / "source_articles" / "putin-kim-pyongyang-summit.txt"

PEOPLE: Final = (
    "Prime Minister Anna Lindqvist", "President Joao Ferreira", "Chancellor Markus Weber",
    "Foreign Minister Hye-jin Park", "Finance Minister Rahul Mehta", "Senator Laura Whitfield",
    "Governor Tomas Novak", "Defense Secretary Michael Grant", "Mayor Sofia Alvarez",
    "central bank chief Kenji Watanabe", "opposition leader Daniel Okafor",
    "Health Minister Elena Popescu", "Trade Representative Grace Liu",
    "union leader Patrick Doyle", "the company's chief executive, Maria Santos",
    "Energy Minister Olga Petrenko", "the U.N. special envoy, Ibrahim Diallo",
    "Interior Minister Lars Eriksen", "the army's chief of staff, General Yusuf Kaya",
    "Education Minister Claire Dubois",
)  # fmt: skip
PLACES: Final = (
    "Brussels", "Geneva", "Seoul", "Tokyo", "Beijing", "Moscow", "Washington", "New Delhi",
    "Nairobi", "Brasilia", "Jakarta", "Warsaw", "Ottawa", "Canberra", "Ankara", "Cairo",
    "Mexico City", "Hanoi", "Lagos", "Stockholm", "Madrid", "Buenos Aires", "Manila", "Kyiv",
)  # fmt: skip
COUNTRIES: Final = (
    "Germany", "France", "Japan", "South Korea", "India", "Brazil", "Canada", "Australia",
    "Indonesia", "Nigeria", "Poland", "Turkey", "Egypt", "Mexico", "Vietnam", "Kenya",
    "Sweden", "Spain", "Argentina", "the Philippines", "Ukraine", "Norway", "Chile", "Italy",
)  # fmt: skip
INSTITUTIONS: Final = (
    "the European Commission", "the International Monetary Fund", "the World Bank",
    "the World Health Organization", "the U.N. Security Council", "the central bank",
    "the finance ministry", "the statistics office", "parliament", "the supreme court",
    "the electoral commission", "the energy regulator", "the transport ministry",
    "the national weather service", "the foreign ministry", "NATO", "the African Union",
    "the Organization of American States", "the competition authority", "the coast guard",
)  # fmt: skip
COMPANIES: Final = (
    "Northwind Energy", "Helios Motors", "Bluewater Shipping", "Crestline Pharmaceuticals",
    "Orion Telecom", "Atlas Steel", "Greenfield Foods", "Summit Airlines", "Vertex Semiconductors",
    "Harbor Bank", "Polaris Mining", "Cedar Retail",
)  # fmt: skip
TOPICS: Final = (
    "energy prices", "the trade agreement", "the budget deficit", "climate targets",
    "migration policy", "the reconstruction plan", "fishing quotas", "interest rates",
    "the vaccination campaign", "cross-border rail links", "the ceasefire", "grain exports",
    "pension reform", "the housing shortage", "water rationing", "cyber security",
    "the minimum wage", "public transport fares", "the nuclear talks", "food inflation",
)  # fmt: skip
WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS: Final = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
SAID: Final = ("said", "told reporters", "told parliament", "said in a statement", "wrote")
ADJECTIVES: Final = (
    "frank",
    "constructive",
    "difficult",
    "productive",
    "tense",
    "cordial",
    "lengthy",
    "useful",
)
EVENTS: Final = (
    "floods", "a heat wave", "a strike by port workers", "a power outage", "wildfires",
    "a landslide", "a cyber attack on hospitals", "a train derailment", "heavy snowfall",
)  # fmt: skip
GROUPS: Final = (
    "farmers", "teachers", "nurses", "truck drivers", "students", "pensioners",
    "small business owners", "doctors", "dock workers", "taxi drivers",
)  # fmt: skip

TEMPLATES: Final = (
    "{person} {said} on {weekday} that talks with {country} on {topic} had been {adj}.",
    "Officials in {place} said {institution} would publish its decision on {topic} "
    "by the end of {month}.",
    "“We are not there yet,” {person} {said}, adding that {n} experts had been sent to {place}.",
    "Shares of {company} fell {pct} percent to ${price} after the group cut its forecast "
    "for the {ordinal} quarter.",
    "{institution_cap} said exports from {country} rose {pct} percent in {month}, "
    "the fastest pace in {n_small} years.",
    "Thousands of {group} marched through {place} on {weekday} to protest against changes "
    "to {topic}.",
    "Rescue teams in {country} searched through the night after {event} hit the region "
    "around {place}.",
    "According to {institution}, {pct} percent of {group} said {topic} was their main concern.",
    "{person} is expected to travel to {place} and {place2} later this month to discuss {topic}.",
    "The agreement, signed in {place}, includes provisions on {topic} and {topic2}.",
    "Analysts said {institution} was likely to leave its policy unchanged at the meeting "
    "on {weekday}.",
    "{company} said it would invest {n} million euros in a new plant near {place} "
    "over the next {n_small} years.",
    "Police in {place} said {n_small} people were arrested after clashes during a protest "
    "by {group}.",
    "In a statement, {institution} described the meeting in {place} as “{adj} and {adj2}.”",
    "The government of {country} announced a plan to support {group} hit by {topic}.",
    "Negotiators from {country} and {country2} met for {n_small} hours in {place} "
    "and agreed to meet again in {month}.",
    "{person} warned that {topic} could cost the economy of {country} up to {pct} percent "
    "of output this year.",
    "Inflation in {country} slowed to {pct} percent in {month} from {pct2} percent a month "
    "earlier, data showed.",
    "Voters in {country} will go to the polls on {month} {day} to elect a new parliament.",
    "The U.S. State Department said it was following events in {place} closely and urged "
    "all sides to show restraint.",
    "{company} and {company2} agreed to merge in a deal worth about {n_small}.{digit} billion "
    "dollars, the companies said.",
    "Flights from {place} were cancelled on {weekday} after {event} disrupted operations "
    "at the main airport.",
    "Some {n} {group} have signed a petition calling on {institution} to reconsider {topic}.",
    "{person} said the country would need at least {n_small} years to rebuild after {event}.",
    "“This is a {adj} day for {country},” {person} {said} after the vote in {place}.",
    "The report by {institution} found that spending on {topic} had doubled since {year}.",
    "Critics said the plan on {topic} did little for {group} in rural areas of {country}.",
    "{institution_cap} fined {company} {n} million dollars for breaking rules on {topic}.",
    "Temperatures in {place} reached {temp} degrees Celsius on {weekday}, a record for {month}.",
    "A spokesperson for {institution} declined to comment on reports about {topic}.",
    "{person} and her counterpart from {country} held {adj} talks in {place} on {weekday}.",
    "The ministry said {n} households in {country} were still without electricity after {event}.",
    "Prices of {topic_short} in {place} have risen by {pct} percent since {month}, "
    "a survey showed.",
    "Lawmakers in {country} approved the bill on {topic} by {n_small}{n_small2} votes "
    "to {n_small2} on {weekday}.",
    "The festival in {place}, which draws about {n} visitors each year, was postponed "
    "because of {event}.",
    "{person} told a news conference in {place} that the deal on {topic} was “within reach.”",
)
TOPICS_SHORT: Final = ("bread", "rice", "fuel", "rents", "electricity", "coffee", "medicines")
ORDINALS: Final = ("first", "second", "third", "fourth")


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fill(template: str, rng: random.Random) -> str:
    def two(pool: tuple[str, ...]) -> tuple[str, str]:
        a, b = rng.sample(pool, 2)
        return a, b

    place, place2 = two(PLACES)
    country, country2 = two(COUNTRIES)
    topic, topic2 = two(TOPICS)
    company, company2 = two(COMPANIES)
    adj, adj2 = two(ADJECTIVES)
    institution = rng.choice(INSTITUTIONS)
    return _capitalized(
        template.format(
            person=rng.choice(PEOPLE),
            said=rng.choice(SAID),
            weekday=rng.choice(WEEKDAYS),
            month=rng.choice(MONTHS),
            day=rng.randint(1, 28),
            year=rng.randint(2008, 2021),
            place=place,
            place2=place2,
            country=country,
            country2=country2,
            topic=topic,
            topic2=topic2,
            topic_short=rng.choice(TOPICS_SHORT),
            company=company,
            company2=company2,
            adj=adj,
            adj2=adj2,
            institution=institution,
            institution_cap=_capitalized(institution),
            group=rng.choice(GROUPS),
            event=rng.choice(EVENTS),
            ordinal=rng.choice(ORDINALS),
            n=f"{rng.randint(2, 950) * 10:,}",
            n_small=rng.randint(2, 12),
            n_small2=rng.randint(1, 9),
            digit=rng.randint(1, 9),
            pct=f"{rng.randint(1, 19)}.{rng.randint(0, 9)}",
            pct2=f"{rng.randint(1, 19)}.{rng.randint(0, 9)}",
            price=f"{rng.randint(5, 480)}.{rng.randint(0, 99):02d}",
            temp=rng.randint(35, 47),
        )
    )


def seed_sentences() -> list[str]:
    """Sentences of the seed article's paragraphs (as newsl10n's segmenter splits them)."""
    from newsl10n.source.segment import split_sentences

    if not SEED_ARTICLE.exists():
        return []
    paragraphs = SEED_ARTICLE.read_text(encoding="utf-8").split("\n\n")
    out: list[str] = []
    for para in paragraphs:
        text = " ".join(para.split())
        if len(text) > 80 and text[-1] in '.”"':
            out.extend(s for s in split_sentences(text, "en") if len(s) > 40)
    return out


def sentences(seed: int) -> Iterator[str]:
    """An endless stream of distinct news sentences (about one in eight from the seed article,
    the rest from templates)."""
    rng = random.Random(seed)
    seeds = seed_sentences()
    rng.shuffle(seeds)
    seen: set[str] = set()
    while True:
        from_seed = bool(seeds) and rng.random() < 0.125
        text = seeds.pop() if from_seed else _fill(rng.choice(TEMPLATES), rng)
        if text not in seen:
            seen.add(text)
            yield text


TITLES: Final = (
    "{who} Meets Leaders in {place}",
    "Talks in {place} Stall Over {topic}",
    "{who} Promises Action on {topic}",
    "Protests Spread in {place}",
)
HEADINGS: Final = (
    "Market Reaction", "What Comes Next", "Regional Tensions", "Economic Impact",
    "Reaction Abroad", "Background", "A Divided Parliament", "Relief Efforts",
)  # fmt: skip


def _layout(title: str, paragraphs: list[list[str]], headings: dict[int, str]) -> str:
    parts = [title]
    for i, para in enumerate(paragraphs):
        if i in headings:
            parts.append(headings[i])
        parts.append(" ".join(para))
    return "\n\n".join(parts) + "\n"


def count_segments(path: Path) -> int:
    """Segments of an article as newsl10n counts them (reader + segmenter, no detection)."""
    from newsl10n.source.article import read_article
    from newsl10n.source.segment import segment_blocks

    return len(segment_blocks(read_article(path).blocks, "en").segments)


def write_article(path: Path, segments: int, seed: int) -> int:
    """Write an English article with exactly ``segments`` segments; returns that count.

    One segment is the title and some are headings; the rest are sentences, 2-4 per
    paragraph (a 2-segment article is a flash item: a title and one sentence). The count is
    checked with the real segmenter.
    """
    if segments < 2:
        raise ValueError("an article needs at least 2 segments (a title and a sentence)")
    rng = random.Random(seed)
    stream = sentences(seed)
    who = _capitalized(rng.choice(PEOPLE).split(", ")[-1])
    title = rng.choice(TITLES).format(
        who=who, place=rng.choice(PLACES), topic=string.capwords(rng.choice(TOPICS))
    )
    paragraphs: list[list[str]] = []
    headings: dict[int, str] = {}
    total = 1
    while total < segments:
        at = len(paragraphs)
        if at and at % 6 == 0 and at not in headings and segments - total >= 3:
            headings[at] = rng.choice(HEADINGS)
            total += 1
        size = min(rng.randint(2, 4), segments - total)
        paragraphs.append([next(stream) for _ in range(size)])
        total += size
    for _ in range(20):  # the segmenter has the last word; adjust the last paragraph
        path.write_text(_layout(title, paragraphs, headings), encoding="utf-8")
        found = count_segments(path)
        if found == segments:
            return found
        if found > segments and len(paragraphs[-1]) > 1:
            paragraphs[-1].pop()
        elif found > segments:
            paragraphs.pop()
        else:
            paragraphs[-1].append(next(stream))
    raise RuntimeError(f"{path}: cannot reach {segments} segments (segmenter found {found})")


def write_articles(folder: Path, count: int, segments: int, seed: int = 1) -> list[Path]:
    """``count`` articles of ``segments`` segments each, named ``news-000.txt``..."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"news-{i:03d}.txt"
        write_article(path, segments, seed * 10_000 + i)
        paths.append(path)
    return paths


def training_lines(count: int, seed: int = 999) -> list[str]:
    """Sentences for training the benchmark model's SentencePiece (a seed apart from the
    articles')."""
    stream = sentences(seed)
    return [next(stream) for _ in range(count)]
