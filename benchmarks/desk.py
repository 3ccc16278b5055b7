"""``make bench`` section 11: the review desk over 200 and 2,000 catalogs, beside ``newsl10n
status --json`` over the same catalogs, and an article page and a save at 10 and 2,000.

The catalogs are what a run writes (templates, catalogs with fingerprints, bundles), made
through the library with a copying engine in-process (no model, no detection: the figures
are about the desk, and 2,000 catalogs must take seconds to make); 12-segment articles into
ru, ko, zh, de. With the project's glossary, copy output has QA findings in every catalog.

What is timed:

- ``newsl10n status --json``, whole process (it parses every catalog);
- the desk's index, whole process: a fresh process makes the desk and asks for ``/`` once,
  with the summaries a previous desk left in ``locales/.cache/``; and the same with none
  (the one-time cost: QA of every catalog);
- requests to a running desk (``newsl10n review``, a real server, over HTTP): the index and
  ``/next`` once its summaries are made, an article page, and a save (what the editor waits
  for: the catalog written and its bundle rebuilt; the static ``bundles/index.html`` is
  refreshed after the answer).
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

LANGUAGES = ("ru", "ko", "zh", "de")
SEGMENTS = 12
WORKER = "import sys; from benchmarks.desk import worker; sys.exit(worker(sys.argv[1:]))"


class Copying:
    """An engine that writes its input back (the benchmark model's behaviour, in Python)."""

    name = "copy"

    def model_version(self, source: str, target: str) -> str:
        return f"copy {source}-{target}"

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        return list(texts)


def build_project(folder: Path, articles: int, root: Path) -> Path:
    """``articles`` × LANGUAGES catalogs and their bundles, as a run leaves them."""
    from benchmarks.corpus import write_articles
    from newsl10n.config import load_settings
    from newsl10n.pipeline import translate_articles, write_template
    from newsl10n.results import PreparedArticle
    from newsl10n.review.bundle import build_bundles
    from newsl10n.source.article import read_article
    from newsl10n.source.detect import Detection
    from newsl10n.source.segment import segment_blocks

    if folder.exists():
        shutil.rmtree(folder)
    (folder / "source_articles").mkdir(parents=True)
    shutil.copytree(root / "glossaries", folder / "glossaries")
    langs = ", ".join(f'"{t}"' for t in LANGUAGES)
    (folder / "pyproject.toml").write_text(f"[tool.newsl10n]\ntargets = [{langs}]\n")
    settings = load_settings(folder)
    prepared = []
    for path in write_articles(folder / "source_articles", articles, SEGMENTS, seed=25):
        article = read_article(path)
        layout = segment_blocks(article.blocks, "en")
        segments = tuple(replace(s, lang="en") for s in layout.segments)
        reference = path.relative_to(folder).as_posix()
        english = Detection("en", 1.0, "declared")
        prepared.append(PreparedArticle(article, english, segments, layout.residue, reference))
    for one in prepared:
        write_template(one, settings)
    for target in LANGUAGES:
        translate_articles(prepared, target, lambda _lang: Copying(), settings)
    build_bundles(settings.locales, settings.bundles, root=settings.root)
    return folder


def subset(project: Path, dest: Path, articles: int, languages: Sequence[str]) -> Path:
    """A project holding the first ``articles`` articles of ``project`` in ``languages``."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy(project / "pyproject.toml", dest / "pyproject.toml")
    shutil.copytree(project / "glossaries", dest / "glossaries")
    slugs = [f"news-{i:03d}" for i in range(articles)]
    (dest / "source_articles").mkdir()
    for slug in slugs:
        shutil.copy(project / "source_articles" / f"{slug}.txt", dest / "source_articles")
        shutil.copy(project / "locales" / f"{slug}.pot", _made(dest / "locales"))
        for lang in languages:
            shutil.copy(
                project / "locales" / lang / "LC_MESSAGES" / f"{slug}.po",
                _made(dest / "locales" / lang / "LC_MESSAGES"),
            )
            shutil.copytree(project / "bundles" / lang / slug, dest / "bundles" / lang / slug)
    from newsl10n.review.pages import render_index

    (dest / "bundles" / "index.html").write_text(render_index(dest / "bundles"))
    return dest


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def forget_summaries(project: Path) -> None:
    from newsl10n.catalog.cachefile import cache_path
    from newsl10n.review.summaries import CACHE_NAME

    cache_path(project / "locales", CACHE_NAME).unlink(missing_ok=True)


def catalog_count(project: Path) -> int:
    return len(list((project / "locales").glob("*/LC_MESSAGES/*.po")))


# --------------------------------------------------------------------------- processes


def worker(argv: Sequence[str]) -> int:
    """``index PROJECT``: make the desk and ask for its index once, in this process (the
    whole process is what is timed); prints the catalogs it checked."""
    from starlette.testclient import TestClient

    from newsl10n.config import load_settings
    from newsl10n.glossary.load import load_glossary
    from newsl10n.review.desk import create_app, make_desk

    settings = load_settings(Path(argv[1]))
    desk = make_desk(settings, load_glossary(settings.glossary), host="127.0.0.1", reviewer="")
    with TestClient(create_app(desk), base_url="http://127.0.0.1") as client:
        status = client.get("/").status_code
    print(json.dumps({"status": status, "computed": desk.summaries.computed}))
    return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(project: Path, env: dict[str, str]) -> Iterator[Desk]:
    """``newsl10n review`` on a free port, until the block ends."""
    from benchmarks.harness import NEWSL10N

    port = free_port()
    proc = subprocess.Popen(
        [NEWSL10N, "--project", str(project), "review", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the desk on {project} did not start") from None
                time.sleep(0.1)
        yield Desk(port)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


class Desk:
    """A running desk, asked over HTTP as a browser asks it."""

    def __init__(self, port: int) -> None:
        self.port = port

    def request(self, method: str, path: str, body: str = "") -> tuple[float, int, str]:
        """(seconds until the whole answer arrived, status, body)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        started = time.perf_counter()
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        seconds = time.perf_counter() - started
        connection.close()
        return seconds, response.status, text

    def best(
        self, times: int, method: str, path: str, body: Callable[[], str] | None = None
    ) -> float:
        """The fastest of ``times`` requests (other processes on the machine only add)."""
        found = []
        for _ in range(times):
            seconds, status, text = self.request(method, path, body() if body else "")
            if status not in (200, 303):
                raise RuntimeError(f"{method} {path}: {status} {text[:300]}")
            found.append(seconds)
        return min(found)

    def save_form(self, path: str, n: list[int]) -> str:
        """A save of the page's first entry with a new text, as the page's form posts it."""
        _s, _status, html = self.request("GET", path)
        start = html.index('name="msgctxt"')
        form = html[html.rindex("<form", 0, start) : html.index("</form>", start)]
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
        n[0] += 1
        return urlencode({**fields, "msgstr": f"Benchmark text {n[0]}", "action": "save"})


# --------------------------------------------------------------------------- the benchmark


def bench_desk(
    work: Path, env: dict[str, str], root: Path, sizes: Sequence[int] = (50, 500), repeat: int = 3
) -> dict[str, Any]:
    """Section 11 (see the module docstring); ``sizes`` are articles (× 4 languages)."""
    big = build_project(work / "desk-big", max(sizes), root)
    rows = []
    for articles in sizes:
        project = big
        if articles != max(sizes):
            project = subset(big, work / f"desk-{articles}", articles, LANGUAGES)
        rows.append(_index_row(project, env, repeat))
    small = subset(big, work / "desk-10", 5, ("ru", "de"))
    pages = [_page_row(p, env, repeat) for p in (small, big)]
    return {"index": rows, "pages": pages, "segments": SEGMENTS, "languages": list(LANGUAGES)}


def _index_row(project: Path, env: dict[str, str], repeat: int) -> dict[str, Any]:
    from benchmarks.harness import NEWSL10N, run_child

    status_command = [NEWSL10N, "--project", str(project), "status", "--json"]
    status = min((run_child(status_command, env) for _ in range(repeat)), key=lambda m: m.wall)
    forget_summaries(project)
    index = [sys.executable, "-c", WORKER, "index", str(project)]
    cold = run_child(index, env)
    warm = min((run_child(index, env) for _ in range(repeat)), key=lambda m: m.wall)
    with serving(project, env) as desk:
        first, _status, _text = desk.request("GET", "/")
        again = desk.best(repeat, "GET", "/")
        following = desk.best(repeat, "GET", "/next")
    return {
        "catalogs": catalog_count(project),
        "status_wall": round(status.wall, 2),
        "status_cpu": round(status.cpu, 2),
        "index_cold_wall": round(cold.wall, 2),
        "index_cold_cpu": round(cold.cpu, 2),
        "index_cold_computed": cold.answer.get("computed"),
        "index_wall": round(warm.wall, 2),
        "index_cpu": round(warm.cpu, 2),
        "index_computed": warm.answer.get("computed"),
        "server_first_index_s": round(first, 3),
        "server_index_s": round(again, 3),
        "server_next_s": round(following, 3),
        "ratio_wall": round(warm.wall / status.wall, 2),
        "ratio_server": round(again / status.wall, 3),
    }


def _page_row(project: Path, env: dict[str, str], repeat: int) -> dict[str, Any]:
    path = "/de/news-001"
    counter = [0]
    with serving(project, env) as desk:
        desk.request("GET", "/")  # the summaries, made once
        page = desk.best(repeat, "GET", path)
        save = desk.best(repeat, "POST", path, lambda: desk.save_form(path, counter))
    return {"catalogs": catalog_count(project), "page_s": round(page, 3), "save_s": round(save, 3)}


def render(found: dict[str, Any]) -> list[str]:
    """Section 11 of the report."""
    from benchmarks.harness import table

    out = [
        f"### 11. The review desk over many catalogs ({found['segments']}-segment articles × "
        f"{', '.join(found['languages'])}; the project's glossary)",
        "",
        table(
            [
                "catalogs",
                "`status --json` (whole process) wall / CPU s",
                "desk index, whole process, summaries kept: wall / CPU s",
                "ratio to status",
                "running desk: index / next s",
                "first index ever (QA of every catalog): wall / CPU s",
            ],
            [
                [
                    r["catalogs"],
                    f"{r['status_wall']} / {r['status_cpu']}",
                    f"{r['index_wall']} / {r['index_cpu']}",
                    f"**{r['ratio_wall']}**",
                    f"{r['server_index_s']} / {r['server_next_s']}",
                    f"{r['index_cold_wall']} / {r['index_cold_cpu']}",
                ]
                for r in found["index"]
            ],
        ),
        "",
        table(
            ["catalogs", "article page s", "save s (answer; the static index follows)"],
            [[p["catalogs"], p["page_s"], p["save_s"]] for p in found["pages"]],
        ),
        "",
    ]
    return out
