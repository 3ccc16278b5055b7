"""What the pipeline needs from a machine-translation engine, and nothing more."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Engine(Protocol):
    """Translates batches of segments; implementations load each model once and may offer
    ``release()`` to let go of the models they loaded (a batch calls it when a language is
    done)."""

    name: str

    def model_version(self, source: str, target: str) -> str:
        """Names and versions of the model(s) used for the pair; raises MissingModelError."""
        ...

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """One output per input, same order; raises MissingModelError for an unknown pair."""
        ...
