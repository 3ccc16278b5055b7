"""Loading glossaries: every CSV and TBX file of the glossary folder, checked.

``load_glossary`` refuses a glossary with errors by file and line; ``check_glossary``
reports every problem for ``newsl10n glossary check``."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from newsl10n.catalog.store import NotRegularFile, read_regular
from newsl10n.glossary.csvformat import parse_csv
from newsl10n.glossary.model import (
    SUFFIXES,
    Glossary,
    GlossaryError,
    GlossaryProblem,
    Term,
    find_conflicts,
)
from newsl10n.glossary.tbx import parse_tbx

# ---------------------------------------------------------------- loading


def load_glossary(folder: Path) -> Glossary:
    """Every *.csv and *.tbx in ``folder``; a missing or empty folder is an empty glossary.

    Raises GlossaryError for the first error (with how many more there are), so a run
    never enforces a glossary that contradicts itself.
    """
    files = glossary_files([folder]) if folder.is_dir() else []
    read: dict[Path, bytes] = {}
    terms, problems = _parse_files(files, read)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more; run `newsl10n glossary check`)" if errors[1:] else ""
        element = f"{first.element}: " if first.element else ""
        raise GlossaryError(first.path, f"{element}{first.message}{more}", first.line)
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode("utf-8") + b"\0" + read[path] + b"\0")
    return Glossary(tuple(terms), tuple(files), digest.hexdigest())


def check_glossary(paths: Iterable[Path]) -> list[GlossaryProblem]:
    """All problems in the given files and folders, across files too (duplicates)."""
    files: list[Path] = []
    problems: list[GlossaryProblem] = []
    for path in paths:
        if path.is_dir():
            files.extend(glossary_files([path]))
        elif not path.exists():
            problems.append(GlossaryProblem(path, None, "no such file or folder"))
        elif path.suffix.lower() not in SUFFIXES:
            problems.append(GlossaryProblem(path, None, "not a glossary (expected .csv or .tbx)"))
        else:
            files.append(path)
    problems.extend(_parse_files(files)[1])
    return problems


def glossary_files(folders: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        found.extend(sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES))
    return found


def read_glossary_file(path: Path) -> list[Term]:
    """The terms of one CSV or TBX file; raises GlossaryError on its first error."""
    terms, problems = _parse_files([path])
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        first = errors[0]
        element = f"{first.element}: " if first.element else ""
        raise GlossaryError(first.path, f"{element}{first.message}", first.line)
    return terms


def _parse_files(
    files: Sequence[Path], read: dict[Path, bytes] | None = None
) -> tuple[list[Term], list[GlossaryProblem]]:
    """The terms and problems of ``files``; ``read`` gets each file's bytes as read (the
    glossary's digest is of those, not of a second read)."""
    terms: list[Term] = []
    problems: list[GlossaryProblem] = []
    for path in files:
        try:
            data = read_regular(path)
            if read is not None:
                read[path] = data
        except NotRegularFile as err:
            problems.append(GlossaryProblem(path, None, f"{err}, not a regular file; not read"))
            continue
        except OSError as err:
            problems.append(GlossaryProblem(path, None, f"cannot read: {err.strerror or err}"))
            continue
        parse = parse_tbx if path.suffix.lower() == ".tbx" else parse_csv
        found, trouble = parse(path, data)
        terms.extend(found)
        problems.extend(trouble)
    problems.extend(find_conflicts(terms))
    return terms, problems
