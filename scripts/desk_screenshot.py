#!/usr/bin/env python3
"""Save a PNG of the review desk's page for one article and language.

    .venv/bin/python scripts/desk_screenshot.py [--project DIR] [--lang ru] [--slug SLUG]
        [--out docs/review-desk.png] [--width 1280] [--height 900] [--query order=confidence]

The desk is served from the project's catalogs on a free 127.0.0.1 port in this process
(nothing is saved: the page is only looked at) and rendered by headless Chromium through
scripts/review_screenshot.py's ``Browser``; the PNG is the viewport, to stay small.
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from review_screenshot import ROOT, SEED_SLUG, Browser, report


def main(argv: Sequence[str] | None = None) -> int:
    import uvicorn

    from newsl10n.config import load_settings
    from newsl10n.glossary.load import load_glossary
    from newsl10n.review.desk import create_app, make_desk

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--slug", default=SEED_SLUG)
    parser.add_argument("--lang", default="ru")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "review-desk.png")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--query", default="", help="page query, e.g. order=confidence")
    args = parser.parse_args(argv)
    settings = load_settings(args.project)
    desk = make_desk(settings, load_glossary(settings.glossary), host="127.0.0.1", reviewer="")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(create_app(desk), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}/{args.lang}/{args.slug}" + (
        f"?{args.query}" if args.query else ""
    )
    try:
        with Browser() as browser:
            browser.open(url, width=args.width, height=args.height)
            width, height = browser.screenshot(args.out, full_page=False)
            problems = browser.console
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return report(args.out, width, height, problems)


if __name__ == "__main__":
    sys.exit(main())
