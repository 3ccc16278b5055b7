"""Machine-translation engines behind one small interface (see ``base.Engine``)."""

from __future__ import annotations

from newsl10n.config import ENGINE_NAMES as ENGINES
from newsl10n.config import EngineSettings
from newsl10n.engines.base import Engine
from newsl10n.errors import ConfigError


def get_engine(name: str, settings: EngineSettings) -> Engine:
    """An engine by name; imports are lazy so a run loads only what it uses."""
    if name == "argos":
        from newsl10n.engines.argos import ArgosEngine

        return ArgosEngine(settings)
    if name == "apertium":
        from newsl10n.engines.apertium import ApertiumEngine

        return ApertiumEngine(settings)
    raise ConfigError(f"unknown engine {name!r} (available: {', '.join(ENGINES)})")


__all__ = ["ENGINES", "Engine", "get_engine"]
