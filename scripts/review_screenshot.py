#!/usr/bin/env python3
"""Build the review page for an article from existing catalogs and save a PNG of it.

    .venv/bin/python scripts/review_screenshot.py [--lang ru] [--slug SLUG] [--out FILE.png]

The page is built into a temporary folder (the project's ``bundles/`` is left alone) and
rendered by headless Chromium (Debian: ``apt-get install chromium``), driven over the
DevTools protocol on a pipe: no port, no network. ``Browser`` is also what
tests/review/test_pages_browser.py uses to check what a person would see.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import itertools
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED_SLUG = "putin-kim-pyongyang-summit"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Flags for a quiet, offline, throw-away browser (the profile is a new temporary folder).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


class BrowserError(RuntimeError):
    pass


def find_chromium() -> str | None:
    """The Chromium binary: ``$CHROMIUM`` when set, else the first one on PATH."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


class Browser:
    """One headless Chromium with one tab, spoken to over ``--remote-debugging-pipe``.

    Messages are JSON separated by NUL bytes on fds 3 (to the browser) and 4 (from it).
    Everything the page reports (console, exceptions, dialogs, requests) is collected.
    """

    def __init__(self, binary: str | None = None, timeout: float = 30.0) -> None:
        found = binary or find_chromium()
        if not found:
            raise BrowserError("chromium not found (apt-get install chromium, or set CHROMIUM)")
        self.timeout = timeout
        self.console: list[str] = []  # console errors/warnings, exceptions, log errors
        self.dialogs: list[str] = []  # alert/confirm/prompt messages (each one is dismissed)
        self.requests: list[str] = []  # every URL the page asked for
        self._ids = itertools.count(1)
        self._replies: dict[int, dict[str, Any]] = {}
        self._inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._profile = tempfile.mkdtemp(prefix="newsl10n-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # The pipe ends arrive as stdin and stdout; the shell moves them to fds 3 and 4,
        # where Chromium expects them, and points stdin/stdout elsewhere.
        launch = 'exec "$@" 3<&0 4>&1 0</dev/null 1>&2'
        self._log = Path(self._profile) / "chromium.log"
        command = [found, *CHROMIUM_FLAGS, f"--user-data-dir={self._profile}"]
        try:
            with self._log.open("wb") as log:
                self._process = subprocess.Popen(
                    ["sh", "-c", launch, "sh", *command],
                    stdin=to_browser_r,
                    stdout=from_browser_w,
                    stderr=log,
                )
        except OSError:
            for fd in (self._to_browser, self._from_browser):
                os.close(fd)
            shutil.rmtree(self._profile, ignore_errors=True)
            raise
        finally:
            os.close(to_browser_r)
            os.close(from_browser_w)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._session = ""
        self._loaded = False
        try:
            target = self.send("Target.createTarget", url="about:blank")["targetId"]
            attached = self.send("Target.attachToTarget", targetId=target, flatten=True)
            self._session = attached["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.send(f"{domain}.enable")
        except BaseException:
            self.close()
            raise

    # -- protocol

    def _read(self) -> None:
        buffer = b""
        with os.fdopen(self._from_browser, "rb", buffering=0) as stream:
            while chunk := stream.read(65536):
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                for raw in messages:
                    self._inbox.put(json.loads(raw))
        self._inbox.put(None)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command (to the tab once attached) and wait for its reply."""
        ident = next(self._ids)
        message: dict[str, Any] = {"id": ident, "method": method, "params": params}
        if self._session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self._session
        try:
            os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            raise BrowserError(f"chromium has exited; its log ends:\n{self.log_tail()}") from None
        deadline = time.monotonic() + self.timeout
        while ident not in self._replies:
            self._pump(deadline, f"reply to {method}")
        reply = self._replies.pop(ident)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message', reply['error'])}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def _pump(self, deadline: float, waiting_for: str) -> dict[str, Any]:
        try:
            message = self._inbox.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            raise BrowserError(f"chromium: no {waiting_for} in {self.timeout:.0f} s") from None
        if message is None:
            raise BrowserError(
                f"chromium exited while waiting for {waiting_for}; its log ends:\n{self.log_tail()}"
            )
        if "id" in message:
            self._replies[message["id"]] = message
        else:
            self._event(message)
        return message

    def _event(self, message: dict[str, Any]) -> None:
        method, params = message.get("method", ""), message.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            self.console.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            description = details.get("exception", {}).get("description") or details.get("text")
            self.console.append(f"exception: {description}")
        elif method == "Log.entryAdded" and params["entry"].get("level") in ("error", "warning"):
            entry = params["entry"]
            self.console.append(f"{entry.get('source')} {entry['level']}: {entry.get('text')}")
        elif method == "Page.loadEventFired":
            self._loaded = True
        elif method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(str(params.get("message", "")))
            os.write(
                self._to_browser,
                json.dumps(
                    {
                        "id": next(self._ids),
                        "method": "Page.handleJavaScriptDialog",
                        "params": {"accept": False},
                        "sessionId": self._session,
                    }
                ).encode()
                + b"\0",
            )

    # -- what tests and the script use

    def open(self, url: str, width: int = 1280, height: int = 900) -> None:
        """Load ``url`` at a desktop viewport and wait for its load event."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.requests.clear()
        self._loaded = False
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + self.timeout
        while not self._loaded:
            self._pump(deadline, f"load event for {url}")
        self.evaluate("document.fonts.ready.then(() => true)", await_promise=True)

    def follow(self, action: str | Callable[[], object]) -> None:
        """Run ``action`` (a JavaScript expression, or a function such as a key press) that
        submits a form or follows a link, and wait for the load event of the next page."""
        self._loaded = False
        if callable(action):
            action()
        else:
            self.evaluate(action)
        deadline = time.monotonic() + self.timeout
        while not self._loaded:
            self._pump(deadline, f"the page after {action}")
        self.evaluate("document.fonts.ready.then(() => true)", await_promise=True)

    def press(self, key: str, modifiers: int = 0) -> None:
        """Type one key as a person would (``modifiers``: 2 Ctrl, 8 Shift, added up)."""
        for kind in ("keyDown", "keyUp"):
            params: dict[str, Any] = {"type": kind, "key": key, "modifiers": modifiers}
            if len(key) == 1 and kind == "keyDown":
                params["text"] = key
            elif key == "Enter":
                params.update(code="Enter", windowsVirtualKeyCode=13)
            self.send("Input.dispatchKeyEvent", **params)

    def evaluate(self, expression: str, await_promise: bool = False) -> Any:
        """The value of a JavaScript expression in the page (run by the test, not the page)."""
        reply = self.send(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=await_promise,
        )
        if "exceptionDetails" in reply:
            raise BrowserError(f"{expression}: {reply['exceptionDetails'].get('text')}")
        return reply["result"].get("value")

    def screenshot(self, path: Path, full_page: bool = True) -> tuple[int, int]:
        """Save a PNG of the page (all of it by default); returns its CSS size."""
        metrics = self.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        view = metrics.get("cssLayoutViewport") or metrics["layoutViewport"]
        width = int(view["clientWidth"])
        height = int(size["height"]) if full_page else int(view["clientHeight"])
        shot = self.send(
            "Page.captureScreenshot",
            format="png",
            optimizeForSpeed=True,
            captureBeyondViewport=full_page,
            clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return width, height

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self._log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def close(self) -> None:
        if self._process.poll() is None:
            with contextlib.suppress(OSError, BrowserError):
                self.timeout = 5.0
                self.send("Browser.close")
        with contextlib.suppress(OSError):
            os.close(self._to_browser)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def build_review_page(project: Path, slug: str, lang: str, bundles: Path) -> Path:
    """Build the bundle (and its review page) for one article and language into ``bundles``."""
    from newsl10n.config import load_settings
    from newsl10n.review.bundle import build_bundles
    from newsl10n.review.paths import REVIEW

    settings = load_settings(project)
    report = build_bundles(settings.locales, bundles, [lang], [slug], root=settings.root)
    failed = [r.error or r.skipped for r in report.bundles if r.error or r.skipped]
    if failed:
        raise SystemExit(f"error: {failed[0]}; run `make run` first to create the catalogs")
    return bundles / lang / slug / REVIEW


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--project", type=Path, default=ROOT, help="project folder")
    parser.add_argument("--slug", default=SEED_SLUG, help="article slug (default: the seed)")
    parser.add_argument("--lang", default="ru", help="target language (default: ru)")
    parser.add_argument("--out", type=Path, help="PNG to write (default: bundles/review-…png)")
    parser.add_argument("--width", type=int, default=1280, help="viewport width in CSS px")
    parser.add_argument("--page", type=Path, help="screenshot this HTML file instead")
    args = parser.parse_args(argv)
    out = args.out or args.project / "bundles" / f"review-{args.slug}-{args.lang}.png"
    with tempfile.TemporaryDirectory(prefix="newsl10n-review-") as scratch:
        page = args.page or build_review_page(args.project, args.slug, args.lang, Path(scratch))
        with Browser() as browser:
            browser.open(page.resolve().as_uri(), width=args.width)
            width, height = browser.screenshot(out)
            problems = browser.console
    return report(out, width, height, problems)


def report(out: Path, width: int, height: int, problems: Sequence[str]) -> int:
    """Say what was written and what the page complained of; non-zero when it did."""
    print(f"wrote {out} ({width}×{height} CSS px)")
    for problem in problems:
        print(f"page reported: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
