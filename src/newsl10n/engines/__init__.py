"""Machine-translation engines behind one small interface (see ``base.Engine``)."""

from __future__ import annotations

from newsl10n.config import EngineSettings
from newsl10n.engines.base import Engine
from newsl10n.errors import ConfigError


def get_engine(name: str, settings: EngineSettings) -> Engine:
    if name == "argos":
        from newsl10n.engines.argos import ArgosEngine

        return ArgosEngine(settings)
    raise ConfigError(f"unknown engine {name!r} (available: argos)")


__all__ = ["Engine", "get_engine"]
