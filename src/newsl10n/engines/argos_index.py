"""Downloading Argos packages from the public package index: set-up, never the runtime.

Only ``newsl10n models download`` and ``models ensure`` (which ``make run`` calls) come
here. We read the index ourselves with a short timeout: Argos' own
``get_available_packages()`` recurses without end when the index cannot be fetched.
"""

from __future__ import annotations

import json
import tempfile
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsl10n.engines.argos import PIVOT, PackageInfo, install_package_file, installed_packages
from newsl10n.errors import Newsl10nError

INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
TIMEOUT_SECONDS = 10

DownloadProgress = Callable[[str, int, int | None], None]  # (package name, bytes so far, total)


class IndexUnreachable(Newsl10nError):
    """The package index could not be fetched (offline, proxy, outage)."""


@dataclass(frozen=True)
class IndexPackage:
    source: str
    target: str
    version: str
    links: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"translate-{self.source}_{self.target}"


def parse_pair(text: str) -> tuple[str, str]:
    """'en-ru', 'en_ru' or 'en:ru' → ('en', 'ru')."""
    for sep in ("-", "_", ":"):
        if sep in text:
            a, b = text.split(sep, 1)
            if a and b:
                return a.strip(), b.strip()
    raise Newsl10nError(f"{text!r} is not a language pair (write it as en-ru)")


def fetch_index(url: str = INDEX_URL, timeout: float = TIMEOUT_SECONDS) -> list[IndexPackage]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data: Any = json.load(response)
    except (OSError, ValueError) as err:
        raise IndexUnreachable(f"the Argos package index is not reachable ({url}): {err}") from None
    return [
        IndexPackage(
            str(item["from_code"]),
            str(item["to_code"]),
            str(item.get("package_version", "")),
            tuple(item.get("links", ())),
        )
        for item in data
        if item.get("type", "translate") == "translate" and item.get("from_code")
    ]


def packages_for(
    pairs: Iterable[tuple[str, str]], index: Sequence[IndexPackage]
) -> list[IndexPackage]:
    """Index packages that give each pair a route: direct when offered, else via English."""
    have = {(p.source, p.target) for p in installed_packages()}
    offered = {(p.source, p.target): p for p in index}
    wanted: list[IndexPackage] = []
    for source, target in pairs:
        if (source, target) in offered:
            legs = [(source, target)]
        else:
            legs = [(source, PIVOT), (PIVOT, target)]
        for leg in legs:
            if leg in have:
                continue
            if leg not in offered:
                raise Newsl10nError(f"the Argos index has no package for {leg[0]}→{leg[1]}")
            if offered[leg] not in wanted:
                wanted.append(offered[leg])
    return wanted


def download_and_install(
    pkg: IndexPackage, progress: DownloadProgress | None = None
) -> PackageInfo:
    """Stream one package to a temporary file, then install it."""
    last_error: Exception | None = None
    for link in pkg.links:
        try:
            with tempfile.TemporaryDirectory() as tmp:
                target = Path(tmp) / f"{pkg.name}.argosmodel"
                with urllib.request.urlopen(link, timeout=TIMEOUT_SECONDS) as response:
                    total = int(response.headers.get("Content-Length") or 0) or None
                    done = 0
                    with target.open("wb") as out:
                        while chunk := response.read(1 << 16):
                            out.write(chunk)
                            done += len(chunk)
                            if progress:
                                progress(pkg.name, done, total)
                return install_package_file(target)
        except OSError as err:
            last_error = err
    raise Newsl10nError(f"download of {pkg.name} failed: {last_error}")
