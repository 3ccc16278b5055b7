"""Glossary enforcement in machine translation: protect, translate, restore, verify.

Real NMT does everything to a protected name: drops the placeholder, repeats it, changes
its case, puts spaces inside it, transliterates it, moves it. So nothing is trusted: every
output is checked for every glossary term of its source (in the established form, a
listed variant, or for Russian and Ukrainian any case of it), and segments that fail go
to the next strategy, all of them in one engine call per round:

``plain``       the sentence as it is: a model that knows the name inflects it best;
``inline``      the target form written into the source sentence, for the model to keep;
``braces``      ``{1}`` placeholders (format strings models learn to copy from software
                localisation data), found again in any position, with spaces inside, in
                full width, duplicated;
``hypotheses``  several beam hypotheses of the ``braces`` input (engines that offer
                ``hypotheses``), the first that keeps every placeholder;
``letters``     ``XX1XX`` placeholders for models that eat braces, found again in any case
                and in Cyrillic or Greek look-alike letters.

When all fail, the output missing the fewest terms is kept and the missing terms are
reported, never silently dropped. Russian and Ukrainian forms take the case the sentence
needs, from the glossary's variants or, failing those, from pymorphy3: the case of the
source's own form when the source declines too (ru ↔ uk; its prepositions and verbs read
in its own language), else the case a preposition before the name governs (an English
possessive or "of": genitive). A form the engine chose that fits stays; a case no form
can give is reported (``Outcome.cases``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

from newsl10n.engines.base import Engine
from newsl10n.glossary.learned import LearnedTerms, Scope, term_key
from newsl10n.glossary.match import find_missing, find_terms, german_genitive, scan, target_entries
from newsl10n.glossary.model import Glossary, Term, TermMatch
from newsl10n.glossary.morphology import morph_analyzer

PLAIN = "plain"
INLINE = "inline"
BRACES = "braces"
HYPOTHESES = "hypotheses"
LETTERS = "letters"
STRATEGIES: tuple[str, ...] = (PLAIN, INLINE, BRACES, HYPOTHESES, LETTERS)
NUM_HYPOTHESES = 5


@dataclass(frozen=True)
class Outcome:
    """A machine translation; ``missing`` lists "source → target" glossary terms not in it,
    ``cases`` the terms left in a case the source contradicts ("Путину → Путін: dative
    expected") because no form in that case could be made."""

    text: str
    missing: tuple[str, ...] = ()
    strategy: str = PLAIN
    cases: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.missing and not self.cases


@runtime_checkable
class NBestEngine(Protocol):
    """An engine that can return several hypotheses per input, best first."""

    def hypotheses(
        self, texts: Sequence[str], source: str, target: str, n: int
    ) -> list[list[str]]: ...


def translate_with_glossary(
    engine: Engine,
    texts: Sequence[str],
    source: str,
    target: str,
    glossary: Glossary,
    strategies: Sequence[str] | None = None,
    learned: LearnedTerms | None = None,
) -> list[Outcome]:
    """Translate ``texts`` so every glossary term comes out in its target form, or is reported.

    One engine call per strategy round, over all segments still failing. Without
    ``strategies``, the engine's ``glossary_strategies`` when it names some (Apertium keeps
    ``{1}`` but reads inline names word by word), else all of STRATEGIES. With ``learned``,
    a segment naming a term this model has failed to write plainly and never written
    plainly skips the plain try: it goes protected in the first call, beside the plain
    segments; every plain try teaches it (``glossary.learned``).
    Raises what the engine raises (MissingModelError for an unknown pair).
    """
    if strategies is None:
        strategies = tuple(getattr(engine, "glossary_strategies", STRATEGIES))
    unknown = set(strategies) - set(STRATEGIES)
    if unknown or not strategies:
        raise ValueError(f"unknown strategies {sorted(unknown)}; choose from {STRATEGIES}")
    jobs = [
        _Job(text, tuple(_enforceable(text, glossary, source, target)), source) for text in texts
    ]
    memory = None
    if learned is not None and PLAIN in strategies and any(job.matches for job in jobs):
        memory = _Memory(learned, Scope(engine.model_version(source, target), source, target))
    best: list[_Candidate | None] = [None] * len(jobs)
    tried: list[set[str]] = [set() for _ in jobs]
    pending = list(range(len(jobs)))
    for rank, name in enumerate(strategies):
        if not pending:
            break
        if name == HYPOTHESES and not isinstance(engine, NBestEngine):
            continue
        tries = _plan(strategies, rank, jobs, pending, tried, target, memory)
        _send(engine, tries, jobs, best, tried, source, target, memory)
        pending = [i for i in pending if not _done(best[i])]
    unrun = [i for i, found in enumerate(best) if found is None]
    if unrun:  # no listed strategy could run (hypotheses alone, engine without them)
        plain = engine.translate([jobs[i].text for i in unrun], source, target)
        for i, output in zip(unrun, plain, strict=True):
            best[i] = _finish(PLAIN, len(strategies), jobs[i], output, source, target)
    return [_outcome(job, found, target) for job, found in zip(jobs, best, strict=True)]


@dataclass(frozen=True)
class _Try:
    """One segment in one round: the strategy it is sent with and the engine's input."""

    job: int
    strategy: str
    rank: int
    text: str


def _plan(
    strategies: Sequence[str],
    rank: int,
    jobs: Sequence[_Job],
    pending: Sequence[int],
    tried: Sequence[set[str]],
    target: str,
    memory: _Memory | None,
) -> list[_Try]:
    """What a round sends: each pending segment with the round's strategy, unless it had
    it already or the strategy cannot serve it. In the plain round, a segment naming a
    term the model does not write (``memory``) goes with its first protected strategy
    instead, in the same engine call: protected on its first try, at no extra call."""
    name = strategies[rank]
    tries: list[_Try] = []
    for i in pending:
        chosen = None
        if name == PLAIN and memory is not None and jobs[i].matches:
            protected = _protected(strategies, rank, jobs[i], target)
            if protected is not None and memory.protect_first(jobs[i]):
                chosen = protected
        if chosen is None and name not in tried[i]:
            text = _prepare(name, jobs[i], target)
            chosen = None if text is None else _Try(i, name, rank, text)
        if chosen is not None:
            tries.append(replace(chosen, job=i))
    return tries


def _protected(strategies: Sequence[str], rank: int, job: _Job, target: str) -> _Try | None:
    """The first strategy after ``rank`` that protects the job's terms in a plain engine
    call (``hypotheses`` needs a call of its own)."""
    for later in range(rank + 1, len(strategies)):
        name = strategies[later]
        text = _prepare(name, job, target) if name not in (PLAIN, HYPOTHESES) else None
        if text is not None:
            return _Try(-1, name, later, text)
    return None


def _send(
    engine: Engine,
    tries: Sequence[_Try],
    jobs: Sequence[_Job],
    best: list[_Candidate | None],
    tried: Sequence[set[str]],
    source: str,
    target: str,
    memory: _Memory | None,
) -> None:
    """A round's tries in one engine call (a ``hypotheses`` round has only hypotheses
    tries); ``best`` keeps each segment's best output so far, a plain output teaches the
    memory what the model writes."""
    if not tries:
        return
    inputs = [t.text for t in tries]
    if tries[0].strategy == HYPOTHESES:
        assert isinstance(engine, NBestEngine)
        outputs = engine.hypotheses(inputs, source, target, NUM_HYPOTHESES)
    else:
        outputs = [[text] for text in engine.translate(inputs, source, target)]
    for one, options in zip(tries, outputs, strict=True):
        job = jobs[one.job]
        tried[one.job].add(one.strategy)
        finished: Iterator[_Candidate] = (
            _finish(one.strategy, one.rank, job, o, source, target) for o in options
        )
        if one.strategy == PLAIN and memory is not None:
            plain = list(finished)  # one output: what it shows of each term is learned
            memory.learn(job, plain[0])
            finished = iter(plain)
        best[one.job] = _better(best[one.job], finished)


@dataclass(frozen=True)
class _Memory:
    """``LearnedTerms`` for this call's model and languages."""

    learned: LearnedTerms
    scope: Scope

    def keys(self, matches: Iterable[TermMatch]) -> set[str]:
        return {term_key(m.term, self.scope.source, self.scope.target) for m in matches}

    def protect_first(self, job: _Job) -> bool:
        return bool(job.matches) and self.learned.protect_first(self.scope, self.keys(job.matches))

    def learn(self, job: _Job, plain: _Candidate) -> None:
        if job.matches:
            failed = self.keys(plain.missing)
            self.learned.learn(self.scope, failed, self.keys(job.matches) - failed)


@dataclass(frozen=True)
class _Job:
    text: str
    matches: tuple[TermMatch, ...]  # glossary terms of the source that have a target form
    source: str = "en"


@dataclass(frozen=True)
class _Candidate:
    text: str
    missing: tuple[TermMatch, ...]
    lost: int  # placeholders the model dropped
    strategy: str
    rank: int

    @property
    def accepted(self) -> bool:
        return not self.missing and not self.lost

    @property
    def key(self) -> tuple[int, int, int]:
        return (len(self.missing), self.lost, self.rank)


def _better(best: _Candidate | None, candidates: Iterable[_Candidate]) -> _Candidate | None:
    """The best so far among ``best`` and the candidates, stopping at the first accepted."""
    for candidate in candidates:
        if best is None or candidate.key < best.key:
            best = candidate
        if candidate.accepted:
            break
    return best


def _done(found: _Candidate | None) -> bool:
    return found is not None and found.accepted


def _enforceable(text: str, glossary: Glossary, source: str, target: str) -> list[TermMatch]:
    if source == target:
        return []
    return [m for m in find_terms(text, glossary, source) if m.term.form(target)]


def _outcome(job: _Job, found: _Candidate | None, target: str) -> Outcome:
    assert found is not None
    wrong = wrong_cases(job.text, job.matches, found.text, job.source, target, judging=False)
    cases = tuple(dict.fromkeys(w.describe() for w in wrong))
    return Outcome(found.text, _describe(found.missing, target), found.strategy, cases)


def _describe(matches: Sequence[TermMatch], target: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for m in matches:
        seen.setdefault(f"{m.text} → {m.term.form(target)}", None)
    return tuple(seen)


# ---------------------------------------------------------------- strategies


def _prepare(name: str, job: _Job, target: str) -> str | None:
    """The engine input for a strategy, or None when it cannot be used for this segment."""
    if not job.matches or name == PLAIN:
        return job.text
    if name == INLINE:
        return _replace(job, lambda k, m: _written(m, target, job.source))
    family = _FAMILIES[LETTERS if name == LETTERS else BRACES]
    if family.any.search(job.text) or family.fragment.search(job.text):
        return None  # the text already holds something that looks like our placeholders
    return _replace(job, lambda k, m: family.make(k))


def _written(match: TermMatch, target: str, source: str = "en") -> str:
    """The target form, or the source's own spelling when they differ only in case
    ("REUTERS" in a credit stays as it is). A source that names only part of the term
    ("через реку Тэдонган": the bare name, its generic noun is an ordinary word the engine
    translates) gets the same part of the target form ("Тедонган"), never the noun twice."""
    if source in _GOVERNMENT and any(
        f.casefold() == match.form.casefold() for f in match.term.accepted(target)
    ):
        return " ".join(match.text.split())  # "КНДР", "РФ": the source's form is the target's
    form = partial_form(match, source, target) or match.term.form(target) or match.text
    same = " ".join(form.split()).casefold() == " ".join(match.text.split()).casefold()
    return " ".join(match.text.split()) if same else form


def _replace(job: _Job, insert: Callable[[int, TermMatch], str]) -> str:
    out: list[str] = []
    pos = 0
    for k, match in enumerate(job.matches, start=1):
        out.append(job.text[pos : match.start])
        out.append(insert(k, match))
        pos = match.end  # the possessive stays in the sentence for the model to handle
    out.append(job.text[pos:])
    return "".join(out)


def _finish(name: str, rank: int, job: _Job, output: str, source: str, target: str) -> _Candidate:
    lost = 0
    if job.matches and name in (BRACES, HYPOTHESES, LETTERS):
        family = _FAMILIES[LETTERS if name == LETTERS else BRACES]
        output, lost = _restore(output, job, family, target)
    if job.matches:
        output = polish(output, job.matches, target, job.text, source)
    missing = tuple(find_missing(job.matches, output, target, source))
    return _Candidate(output, missing, lost, name, rank)


# ---------------------------------------------------------------- placeholders

_DIGITS = "0123456789"
_WIDE_DIGITS = "０１２３４５６７８９"


def _number(k: int) -> str:
    return "".join(f"[{d}{_WIDE_DIGITS[int(d)]}]" for d in str(k))


@dataclass(frozen=True)
class _Family:
    make: Callable[[int], str]
    find: Callable[[int], re.Pattern[str]]
    any: re.Pattern[str]  # a whole placeholder, any number
    fragment: re.Pattern[str]  # what is left of one the model broke ("{3", "XX3")


_X = "[XxХхΧχＸｘ]"  # Latin, Cyrillic, Greek, full-width


@lru_cache(maxsize=256)
def _braces(k: int) -> re.Pattern[str]:
    return re.compile(rf"[{{｛]\s*{_number(k)}\s*[}}｝]")


@lru_cache(maxsize=256)
def _letters(k: int) -> re.Pattern[str]:
    return re.compile(rf"(?:{_X}\s*){{1,2}}{_number(k)}(?:\s*{_X}){{1,2}}")


_FAMILIES = {
    BRACES: _Family(
        lambda k: f"{{{k}}}",
        _braces,
        re.compile(r"[{｛]\s*[0-9０-９]+\s*[}｝]"),
        re.compile(r"[{｛]\s*[0-9０-９]*|[0-9０-９]*\s*[}｝]"),
    ),
    LETTERS: _Family(
        lambda k: f"XX{k}XX",
        _letters,
        re.compile(rf"(?:{_X}\s*){{1,2}}[0-9０-９]+(?:\s*{_X}){{1,2}}"),
        re.compile(rf"{_X}{{2}}\s*[0-9０-９]+|[0-9０-９]+\s*{_X}{{2}}"),
    ),
}


def _restore(output: str, job: _Job, family: _Family, target: str) -> tuple[str, int]:
    """Put each term's target form where its placeholder came out; count the lost ones.

    The first copy of a placeholder gets the form, later copies are deleted, and anything
    left that still looks like one of our placeholders is removed.
    """
    edits: list[tuple[int, int, str]] = []
    lost = 0
    for k, match in enumerate(job.matches, start=1):
        hits = list(family.find(k).finditer(output))
        if not hits:
            lost += 1
            continue
        edits.append((hits[0].start(), hits[0].end(), _written(match, target, job.source)))
        edits.extend((h.start(), h.end(), "") for h in hits[1:])
    for pattern in (family.any, family.fragment):
        taken = [(s, e) for s, e, _ in edits]
        for stray in pattern.finditer(output):
            if all(stray.end() <= s or stray.start() >= e for s, e in taken):
                edits.append((stray.start(), stray.end(), ""))
    return _apply(output, edits), lost


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply non-overlapping edits; a deletion takes one neighbouring run of spaces with it."""
    for start, end, new in sorted(edits, reverse=True):
        if not new:
            before = len(text[:start]) - len(text[:start].rstrip(" "))
            after = len(text[end:]) - len(text[end:].lstrip(" "))
            if before and (after or end == len(text) or text[end] in ",.;:!?)»”"):
                start -= before
            elif after:
                end += after
        text = text[:start] + new + text[end:]
    return text


# ---------------------------------------------------------------- polishing

_POSSESSIVE_AFTER = re.compile(r"['’]s(?!\w)")
_PARTICLE = {"ko": "의", "zh": "的", "ja": "の"}
_SENTENCE_START = re.compile(r"(?:^|[.!?…。！？]\s+)[\"'«„“‘(\[]*$")


def polish(
    text: str, matches: Sequence[TermMatch], target: str, source_text: str, source: str = "en"
) -> str:
    """Make restored or model-written glossary forms fit their sentence.

    Russian and Ukrainian forms take the case the sentence asks for: the case of the
    source's own form when the source declines too (``source_cases``), else, for a base
    form, the case a preposition before it governs; a form the engine wrote that fits is
    kept as it is. An English possessive left after a form becomes the genitive (ru, uk,
    de), a particle (ko, zh, ja), or is dropped (other languages: it has no place there); a
    lowercase form that opens a sentence is capitalised.
    """
    edits: list[tuple[int, int, str]] = []
    for occ, match in _occurrences(text, matches, target):
        end = occ.end
        new = occ.text
        leftover = _POSSESSIVE_AFTER.match(text, occ.end) if target != "en" else None
        if target in _GOVERNMENT:
            if leftover:
                new = _match_case(form_in_case(occ.term, target, "gent"), occ.text)
                end = leftover.end()
            else:
                right = _right_form(occ, match, text, source_text, source, target)
                if right is not None:
                    new = _match_case(right, occ.text)
        elif leftover:
            end = leftover.end()
            if target == "de":
                new = german_genitive(occ.text)
            else:
                new = occ.text + _PARTICLE.get(target, "")
        if new[:1].islower() and _opens_sentence(text, occ.start):
            new = new[0].upper() + new[1:]
        if (occ.start, end, new) != (occ.start, occ.end, occ.text):
            edits.append((occ.start, end, new))
    pieces: list[str] = []
    pos = 0
    for start, end, new in sorted(edits):  # one pass: a 1 MB segment has thousands of edits
        pieces += [text[pos:start], new]
        pos = end
    return "".join([*pieces, text[pos:]])


def _opens_sentence(text: str, at: int) -> bool:
    """Whether ``at`` starts a sentence, looking back a short window only (searching the
    whole text before every name is quadratic in a long segment). ``^`` matches only at
    the real start of the text, not at the window's."""
    return _SENTENCE_START.search(text, max(0, at - 64), at) is not None


def _occurrences(
    text: str, matches: Sequence[TermMatch], target: str
) -> list[tuple[TermMatch, TermMatch]]:
    """Each glossary form found in a translation, with the source match it renders (the
    n-th occurrence of a term goes with its n-th match in the source)."""
    terms: dict[int, Term] = {id(m.term): m.term for m in matches}
    by_term: dict[int, list[TermMatch]] = {}
    for m in matches:
        by_term.setdefault(id(m.term), []).append(m)
    seen: dict[int, int] = {}
    pairs: list[tuple[TermMatch, TermMatch]] = []
    for occ in scan(text, target_entries(terms.values(), target)):
        sources = by_term[id(occ.term)]
        pairs.append((occ, sources[min(seen.get(id(occ.term), 0), len(sources) - 1)]))
        seen[id(occ.term)] = seen.get(id(occ.term), 0) + 1
    return pairs


def _right_form(
    occ: TermMatch, match: TermMatch, text: str, source_text: str, source: str, target: str
) -> str | None:
    """The form to write instead of ``occ`` (a glossary form in a ru/uk translation), or
    None when it can stay: its case is unknown, or it already fits."""
    wanted = _wanted_cases(occ, match, text, source_text, source, target)
    if not wanted or _fits(occ, wanted, text, target):
        return None
    right = pick_form(occ.term, target, wanted)
    return None if right.casefold() == occ.text.casefold() else right


def _wanted_cases(
    occ: TermMatch,
    match: TermMatch,
    text: str,
    source_text: str,
    source: str,
    target: str,
    judging: bool = False,
) -> frozenset[str]:
    """The cases the form in the translation may take, or none when nothing is known.

    A declining source (ru, uk) says it with its own form, read with its own prepositions
    (Russian "у реки" is genitive, whatever Ukrainian "у" governs), unless the translation
    put a preposition of one case before it ("о Путине" → "про Путіна"); a part of a term
    ("Тэдонган" without its "река") is left alone. An English source says it only through
    the preposition before the form: to make a base form fit ("в {1}" + "in" → locative),
    or, ``judging``, any form, by every case the preposition can govern ("в Пхеньян" may be
    a direction: only "в Пхеньяна" is wrong).
    """
    if partial_form(match, source, target) is not None:
        return frozenset()
    if source in _GOVERNMENT:
        cases = source_cases(match, source, source_text)
        governed = _governed(target, _word_before(text, occ.start))
        if len(governed) == 1 and not cases & governed:
            return governed  # the engine chose a preposition of one case: "к Путину" → "до Путіна"
        return cases
    if judging:
        return _governed(target, _word_before(text, occ.start))
    base = occ.term.form(target) or occ.text
    if occ.form != base:
        return frozenset()  # the engine's own inflection of a name it knows
    case = _case_for(target, _word_before(text, occ.start), match, source_text)
    return frozenset({case}) if case else frozenset()


def _fits(occ: TermMatch, wanted: frozenset[str], text: str, target: str) -> bool:
    """Can the form stay? It can be in a wanted case, or it is an inflected form the engine
    chose after a preposition that governs it ("з Росії": keep the engine's form)."""
    base = occ.term.form(target) or occ.text
    cases = term_form_cases(occ.term, occ.form, target)
    if not cases or cases & wanted:
        return True  # an indeclinable form ("КНДР") fits every case
    governed = _governed(target, _word_before(text, occ.start))
    return occ.form != base and bool(cases & governed)


@dataclass(frozen=True)
class WrongCase:
    """A glossary form in a translation whose case contradicts what the source says."""

    written: str  # as it is in the translation
    source: str  # the source's form
    cases: frozenset[str]  # what the source allows
    right: str  # the form to write ("" when the glossary has none in that case)

    def describe(self) -> str:
        names = case_names(self.cases)
        better = f" (“{self.right}”)" if self.right else ""
        return f"{self.source} → {self.written}: {names} expected{better}"


def wrong_cases(
    source_text: str,
    matches: Sequence[TermMatch],
    translation: str,
    source: str,
    target: str,
    judging: bool = True,
) -> list[WrongCase]:
    """Glossary forms of a ru/uk translation in a case the source contradicts: QA's
    "wrong case" (``judging``: English prepositions count with every case they can govern)
    and, not judging, what protect reports when it could not make a form right."""
    if target not in _GOVERNMENT or morph_analyzer(target) is None or not matches:
        return []
    found: list[WrongCase] = []
    for occ, match in _occurrences(translation, matches, target):
        wanted = _wanted_cases(occ, match, translation, source_text, source, target, judging)
        if not wanted or _fits(occ, wanted, translation, target):
            continue
        right = pick_form(occ.term, target, wanted)
        if right.casefold() == occ.text.casefold():
            right = ""
        found.append(WrongCase(occ.text, match.text, wanted, right))
    return found


def source_cases(match: TermMatch, lang: str, text: str) -> frozenset[str]:
    """The cases a glossary match is in, in a source language that declines (ru, uk).

    Read from the matched form ("Путину": dative; "Москву": accusative) and narrowed by
    a preposition of the source language before it ("в Пхеньян": accusative, not
    nominative). Empty when unknown: a language without cases, or a form that can be
    nearly any case (indeclinable "КНДР", a name the dictionary only guesses at).
    """
    base = match.term.form(lang)
    if base is None or lang not in _GOVERNMENT or morph_analyzer(lang) is None:
        return frozenset()
    cases = term_form_cases(match.term, match.form, lang)
    if len(cases) > _KNOWN_CASES:
        return frozenset()
    before = _word_before(text, match.start)
    cases = (cases & _governed(lang, before)) or cases
    if "accs" in cases and len(cases) > 1:
        # "призвал Совет Безопасности": the object of a verb; "визит Путина", "что Москва":
        # not one. Only where the language tells them apart does this matter (Рада/Раду).
        verb = _is_verb(before, lang)
        narrowed = frozenset({"accs"}) if verb else cases - {"accs"}
        cases = narrowed or cases
    return cases


_VERBS = {"VERB", "INFN", "GRND"}


def _is_verb(word: str, lang: str) -> bool:
    """Is the word, in its likeliest reading, a verb form (an object may follow it)?"""
    morph: Any = morph_analyzer(lang)
    if not word or morph is None:
        return False
    return morph.parse(word)[0].tag.POS in _VERBS


def partial_form(match: TermMatch, source: str, target: str) -> str | None:
    """The target's part of a term when the source names only that part of it.

    "Тэдонган" is the bare name of "река Тэдонган": the source's generic noun, if any, is an
    ordinary word the engine translates ("через реку Тэдонган" → "через ріку"), so the
    target gets its bare name too ("Тедонган"), never "ріку річка Тедонган".
    """
    base = match.term.form(source)
    if base is None or not _is_part(match.form, base):
        return None
    target_base = match.term.form(target)
    if target_base is None:
        return None
    return next((f for f in match.term.accepted(target) if _is_part(f, target_base)), None)


def _is_part(form: str, base: str) -> bool:
    words = [w.casefold() for w in form.split()]
    whole = [w.casefold() for w in base.split()]
    n = len(words)
    return 0 < n < len(whole) and (whole[:n] == words or whole[-n:] == words)


def _match_case(form: str, written: str) -> str:
    """Keep the capital the sentence gave the name's first letter."""
    if written[:1].isupper() and form[:1].islower():
        return form[0].upper() + form[1:]
    return form


_WORD_BEFORE = re.compile(r"(\w+(?:-\w+)?)[^\w]*$")
_ARTICLES = {"the", "a", "an"}


def _word_before(text: str, index: int) -> str:
    found = _WORD_BEFORE.search(text[:index])
    return found.group(1).casefold() if found else ""


def _english_before(text: str, index: int) -> str:
    """The English word before a source term, skipping an article ("of the Cold War")."""
    words = re.findall(r"\w+", text[:index][-60:])
    while words and words[-1].casefold() in _ARTICLES:
        words.pop()
    return words[-1].casefold() if words else ""


# Which case a preposition governs. "place" is в/на (accusative for direction, else
# locative), "with" is с/з (genitive for "from", else instrumental), "behind" is за
# (accusative for "for", else instrumental): the English source word decides.
def _governing(words: str, case: str) -> dict[str, str]:
    return dict.fromkeys(words.split(), case)


_GOVERNMENT: dict[str, dict[str, str]] = {
    "ru": {
        **_governing(
            "без для до из из-за из-под от у около возле вокруг после против среди кроме мимо "
            "вдоль напротив ради вне внутри посреди вместо близ",
            "gent",
        ),
        **_governing("к ко по благодаря согласно вопреки навстречу", "datv"),
        **_governing("между над надо под подо перед передо", "ablt"),
        **_governing("о об обо при", "loct"),
        **_governing("в во на", "place"),
        **_governing("с со", "with"),
        "за": "behind",
    },
    "uk": {
        **_governing(
            "без для до від од біля коло після проти серед крім окрім замість навколо довкола "
            "вздовж поза посеред поблизу щодо",
            "gent",
        ),
        **_governing("завдяки всупереч назустріч", "datv"),
        **_governing("між над під перед", "ablt"),
        **_governing("при по", "loct"),
        **_governing("про через", "accs"),
        **_governing("в у на", "place"),
        **_governing("з із зі зо", "with"),
        "за": "behind",
    },
}


_RESOLVED = {
    "place": frozenset({"accs", "loct"}),
    "with": frozenset({"gent", "ablt"}),
    "behind": frozenset({"accs", "ablt"}),
}


def _governed(lang: str, before: str) -> frozenset[str]:
    """The cases a preposition can govern (в: accusative or locative); empty for other words."""
    governed = _GOVERNMENT.get(lang, {}).get(before)
    if governed is None:
        return frozenset()
    return _RESOLVED.get(governed, frozenset({governed}))


def _case_for(lang: str, before: str, match: TermMatch, source_text: str) -> str | None:
    """The grammatical case a name needs here, or None for the base (nominative) form."""
    english = _english_before(source_text, match.start)
    governed = _GOVERNMENT[lang].get(before)
    if governed == "place":
        return "accs" if english in ("to", "into", "onto") else "loct"
    if governed == "with":
        return "gent" if english in ("from", "off", "since") else "ablt"
    if governed == "behind":
        return "accs" if english == "for" else "ablt"
    if governed:
        return governed
    if match.possessive or english == "of":
        return "gent"
    return None


# ---------------------------------------------------------------- inflection (ru, uk)

_DECLINABLE = {"NOUN", "ADJF", "PRTF", "NPRO"}
# Endings a masculine consonant-stem name takes (Путин, Ын, Сен), by case; used for
# words the dictionary does not know, such as Korean names in Cyrillic.
_SUFFIX_CASES: dict[str, dict[str, frozenset[str]]] = {
    "ru": {
        "а": frozenset({"gent", "accs"}),
        "у": frozenset({"datv"}),
        "ом": frozenset({"ablt"}),
        "ым": frozenset({"ablt"}),
        "ем": frozenset({"ablt"}),
        "е": frozenset({"loct"}),
    },
    "uk": {
        "а": frozenset({"gent", "accs"}),
        "у": frozenset({"datv", "gent", "loct"}),
        "ові": frozenset({"datv", "loct"}),
        "ом": frozenset({"ablt"}),
        "им": frozenset({"ablt"}),
        "ем": frozenset({"ablt"}),
        "і": frozenset({"loct"}),
    },
}


CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
CASE_NAMES = {
    "nomn": "nominative",
    "gent": "genitive",
    "datv": "dative",
    "accs": "accusative",
    "ablt": "instrumental",
    "loct": "locative",
}
# pymorphy3's second genitive, locative and accusative ("чашка чаю", "в лесу") are the
# genitive, locative and accusative to a glossary; the vocative is not a case names take.
_CASE_ALIASES = {"gen1": "gent", "gen2": "gent", "loc1": "loct", "loc2": "loct", "acc2": "accs"}
# A form that can be more cases than this says nothing about the case it is in.
_KNOWN_CASES = 3


def _ordered(cases: Iterable[str]) -> list[str]:
    return sorted(cases, key=lambda c: CASES.index(c) if c in CASES else len(CASES))


def case_names(cases: Iterable[str]) -> str:
    """Cases for people, in grammar-book order: "nominative or accusative"."""
    return " or ".join(CASE_NAMES.get(c, c) for c in _ordered(cases))


def form_in_case(term: Term, lang: str, case: str) -> str:
    """The term's form in a grammatical case: a listed variant, the base form, or inflected."""
    return pick_form(term, lang, frozenset({case}))


def pick_form(term: Term, lang: str, cases: frozenset[str]) -> str:
    """The term's form that best serves any of ``cases``.

    Among the base form and the variants that inflect it (a person chose them), the one
    that can stand for the most of the wanted cases, then the most specific one (Ukrainian
    locative "Пхеньяні", not "Пхеньяну", which is mostly genitive or dative), then the
    glossary's order; failing those, pymorphy3 inflects known words ("Владимира Путина");
    otherwise the base form, unchanged.
    """
    base = term.form(lang) or ""
    if not cases or cases == {"nomn"} or morph_analyzer(lang) is None:
        return base
    width = len(base.split())
    best: tuple[int, int, int] | None = None
    chosen = ""
    for order, form in enumerate(term.accepted(lang)):
        if len(form.split()) != width:
            continue  # another name (Євромайдан, Держдеп США), not an inflection
        found = term_form_cases(term, form, lang)
        overlap = len(found & cases)
        if not overlap:
            continue
        key = (-overlap, len(found), order)
        if best is None or key < best:
            best, chosen = key, form
    if chosen:
        return chosen
    for case in _ordered(cases):
        inflected = _inflect(base, lang, case)
        if inflected:
            return inflected
    return base


def term_form_cases(term: Term, form: str, lang: str) -> frozenset[str]:
    """The cases one of a term's forms can stand for in ``lang``.

    The base form does not stand for a case a variant is listed for: "Ким Чен Ына" is the
    accusative, so "Ким Чен Ын" is only the nominative (the dictionary cannot tell that a
    Korean name is animate); "Пхеньян" stays nominative or accusative.
    """
    base = term.form(lang) or form
    cases = _form_cases(form, base, lang)
    if len(cases) > 1 and form.casefold() == base.casefold():
        width = len(base.split())
        others: set[str] = set()
        for variant in term.variants.get(lang, ()):
            if len(variant.split()) == width and variant.casefold() != base.casefold():
                others |= _form_cases(variant, base, lang)
        cases = (cases - others) or cases
    return cases


@lru_cache(maxsize=8192)
def _form_cases(form: str, base: str, lang: str) -> frozenset[str]:
    """Cases a form can stand for, judged on the words where it differs from the base."""
    words, bases = form.split(), base.split()
    pairs = list(zip(words, bases, strict=True)) if len(words) == len(bases) else []
    changed = [(w, b) for w, b in pairs if w.casefold() != b.casefold()]
    if not changed:
        changed = [(w, w) for w in words]
    cases: frozenset[str] | None = None
    for word, base_word in changed:
        found = _word_cases(word, base_word, lang)
        if found:
            cases = found if cases is None else cases & found
    return cases or frozenset()


# Ukrainian writes the locative in -ові/-еві/-єві for people ("при Путінові"), not for
# places ("у Криму", "у Пхеньяні"): there it is the dative.
_UK_PERSONAL_LOCATIVE = re.compile(r"(ові|еві|єві)$")


@lru_cache(maxsize=4096)
def _word_cases(word: str, base_word: str, lang: str) -> frozenset[str]:
    if len(word) > 1 and word.isupper():
        return frozenset()  # an abbreviation (США, ООН, КНДР) does not decline
    morph: Any = morph_analyzer(lang)
    low, low_base = word.casefold(), base_word.casefold()
    base_parses = [p for p in morph.parse(base_word) if p.tag.POS in _DECLINABLE]
    nominative = [p for p in base_parses if p.tag.case == "nomn"] or base_parses
    lemmas = {p.normal_form for p in nominative} if word != base_word else set()
    if low != low_base and not morph.word_is_known(base_word):
        # a name the dictionary only guesses at ("Евромайдан", "Сен"): only guesses of
        # the same word count, not what it knows of another ("Сену" is the river Сена's
        # accusative); with no guess at all, the ending tells
        lemmas = {low_base} if nominative else {""}
    first = nominative[0] if nominative else None
    number = (first.tag.number if first is not None else None) or "sing"
    gender = first.tag.gender if first is not None and lemmas else None
    found = {
        _CASE_ALIASES.get(str(p.tag.case), str(p.tag.case))
        for p in morph.parse(word)
        if p.tag.POS in _DECLINABLE
        and p.tag.case
        and p.tag.case != "voct"
        and (not lemmas or p.normal_form in lemmas)
        and p.tag.number in (None, number)
        and (gender is None or p.tag.gender in (None, gender))
    }
    if word.casefold() != base_word.casefold():
        found.discard("nomn")  # the glossary's form is the nominative; this one differs
    inanimate = first is not None and "inan" in first.tag
    personal = _UK_PERSONAL_LOCATIVE.search(word.casefold()) and "datv" in found
    if lang == "uk" and inanimate and personal:
        found.discard("loct")  # "Кримові" is the dative; "півострові" stays a locative
    if found:
        return frozenset(found)
    if low != low_base and low.startswith(low_base):
        return _SUFFIX_CASES[lang].get(low[len(low_base) :], frozenset())
    return frozenset()


def _inflect(base: str, lang: str, case: str) -> str | None:
    """Inflect every word of a form the dictionary knows in the nominative, or give up.

    A name that opens with an indeclinable word (Korean "Кім Чен Ин", "Ким Ир Сен")
    declines in its last word only ("Кім Чен Ину"), as the glossary's notes say; after a
    lowercase head noun, capitalised words are its name or its genitive and stay ("реку
    Тэдонган", "площу Кім Ір Сена", "монумента Освобождения").
    """
    morph: Any = morph_analyzer(lang)
    words = base.split()
    if not words:
        return None
    fixed = len(words) > 1 and any("Fixd" in p.tag for p in morph.parse(words[0]))
    head = words[0][:1].islower()
    keep = [
        (fixed and n < len(words) - 1) or (head and n > 0 and w[:1].isupper())
        for n, w in enumerate(words)
    ]
    if not all(k or morph.word_is_known(w) for w, k in zip(words, keep, strict=True)):
        return None
    out: list[str] = []
    for word, kept in zip(words, keep, strict=True):
        if kept:
            out.append(word)
            continue
        parse = next(
            (p for p in morph.parse(word) if p.tag.POS in _DECLINABLE and p.tag.case == "nomn"),
            None,
        )
        inflected = parse.inflect({case}) if parse is not None else None
        if inflected is None:
            return None
        out.append(_match_case(inflected.word, word))
    return " ".join(out)
