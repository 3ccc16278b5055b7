"""Where a bundle's files live: ``bundles/<lang>/<slug>/`` and one zip per article.

The file names are shared by the bundle writer, the manifest and the index page, so they
are named once here; every folder name goes through the slug check first."""

from __future__ import annotations

import os
from pathlib import Path

from newsl10n.source.article import check_slug

ARTICLE_FILES = ("article.md", "article.html")
MANIFEST = "manifest.json"
REVIEW = "review.html"
INDEX = "index.html"


def bundle_folder(bundles: Path, lang: str, slug: str) -> Path:
    return bundles / lang / check_slug(bundles, slug)


def manifest_file(bundles: Path, lang: str, slug: str) -> str:
    """A bundle's manifest as a string path (a no-change batch checks every bundle's, and
    joining strings costs a fraction of building Paths)."""
    return os.path.join(bundles, lang, check_slug(bundles, slug), MANIFEST)


def archive_path(bundles: Path, slug: str) -> Path:
    return bundles / f"{check_slug(bundles, slug)}.zip"
