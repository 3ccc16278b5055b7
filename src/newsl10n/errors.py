"""Errors that name the file (or thing) and the problem, so the CLI can print them as is."""

from __future__ import annotations

import stat
from pathlib import Path


class Newsl10nError(Exception):
    """Base class: a user-facing problem. ``str(err)`` is the whole message."""


class InputError(Newsl10nError):
    """A file we were given cannot be used; names the file (and line when known)."""

    def __init__(self, path: Path | str, problem: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {problem}")


class ArticleError(InputError):
    """An article cannot be read or parsed."""


class CatalogError(InputError):
    """A PO catalog cannot be read, or writing it would lose a person's work."""


class ConfigError(Newsl10nError):
    """Settings or command-line values are invalid."""


class TextRefused(Newsl10nError):
    """One text an engine will not take (a runaway segment over its length limit): that
    text alone is left untranslated, not the others sent with it."""


class MissingModelError(Newsl10nError):
    """No installed model (direct or via English) for a language pair."""

    def __init__(self, source: str, target: str, hint: str) -> None:
        self.source = source
        self.target = target
        super().__init__(f"no translation model installed for {source}→{target}; {hint}")


_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def file_kind(mode: int) -> str:
    """What a path that is not a regular file is, for the message that refuses it (a
    FIFO named like an article, a catalog or a glossary is never opened for reading)."""
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")
