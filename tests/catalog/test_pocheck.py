"""Strict PO checking: each broken sample is reported at its line, real catalogs pass.

Where msgfmt is installed, every sample is also given to ``msgfmt -c``: it must reject the
broken ones, except the few places where the checker is stricter on purpose (each marked
``msgfmt_rejects=False`` with the reason), and accept every real catalog.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from babel.messages.plurals import PLURALS

from newsl10n.catalog import pocheck
from newsl10n.catalog.pocheck import PoProblem, check_po
from tests.helpers import FIXTURES, python_steps

FIXTURES = FIXTURES / "po"
REAL = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".po", ".pot"))
MSGFMT = shutil.which("msgfmt")

HEADER = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Project-Id-Version: sample 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    "\n"
)
BODY = HEADER.count("\n")  # line k of a sample's body is line BODY + k of the file


def header(charset: str = "UTF-8", plural_forms: str = "nplurals=2; plural=(n != 1);") -> str:
    return HEADER.replace("UTF-8", charset).replace("nplurals=2; plural=(n != 1);", plural_forms)


def msgfmt_accepts(data: bytes, tmp_path: Path) -> tuple[bool, str]:
    assert MSGFMT is not None
    path = tmp_path / "sample.po"
    path.write_bytes(data)
    done = subprocess.run(
        [MSGFMT, "-c", "-o", "/dev/null", str(path)], capture_output=True, check=False
    )
    return done.returncode == 0, done.stderr.decode("utf-8", "replace")


@dataclass(frozen=True)
class Broken:
    name: str
    data: bytes
    expected: tuple[tuple[int, str], ...]  # (line, part of the message), in order
    msgfmt_rejects: bool = True


def broken(
    name: str, body: str, *expected: tuple[int, str], head: str = HEADER, msgfmt: bool = True
) -> Broken:
    """A sample: ``head`` then ``body``; expected lines are counted within the body."""
    offset = head.count("\n")
    return Broken(
        name,
        (head + body).encode(),
        tuple((offset + line, text) for line, text in expected),
        msgfmt,
    )


def raw(name: str, data: bytes, *expected: tuple[int, str], msgfmt: bool = True) -> Broken:
    """A sample given as bytes; expected lines are lines of the whole file."""
    return Broken(name, data, expected, msgfmt)


BROKEN = [
    # Strings.
    broken("unterminated", 'msgid "a"\nmsgstr "unterminated\n', (2, "unterminated string")),
    broken(
        "unterminated continuation",
        'msgid "a"\nmsgstr ""\n"one\n"two"\n',
        (3, "unterminated string"),
    ),
    broken("escaped quote at end", 'msgid "a"\nmsgstr "b\\"\n', (2, "unterminated string")),
    broken("invalid escape", 'msgid "a\\qb"\nmsgstr "x"\n', (1, "invalid escape sequence '\\q'")),
    # C allows \? and \', gettext does not (msgfmt: "invalid control sequence").
    broken("escape question", 'msgid "a"\nmsgstr "why\\?"\n', (2, "invalid escape sequence '\\?'")),
    broken("escape apostrophe", 'msgid "a"\nmsgstr "it\\\'s"\n', (2, "invalid escape sequence")),
    broken("hex escape without digits", 'msgid "a\\x"\nmsgstr "b"\n', (1, "invalid escape")),
    broken(
        "text after string",
        'msgid "a" # note\nmsgstr "b"\n',
        (1, "unexpected text after the string"),
    ),
    broken("garbage line", 'msgid "a"\nmsgstr "b"\nhello world\n', (3, "not a comment, keyword")),
    broken(
        "unknown keyword",
        'msgid "a"\nmsgstring "b"\n',
        (1, "msgid without msgstr"),
        (2, "unknown keyword 'msgstring'"),
    ),
    broken("index on msgid", 'msgid[0] "a"\nmsgstr "b"\n', (1, "only msgstr takes an index")),
    broken(
        "malformed index",
        'msgid "a"\nmsgid_plural "as"\nmsgstr[x] "b"\n',
        (1, "msgid_plural without msgstr"),
        (3, "malformed msgstr index"),
    ),
    broken(
        "backslash ends a comment",
        '# a comment\\\nmsgid "a"\nmsgstr "b"\n',
        (1, "comment ends with a backslash"),
    ),
    # gettext accepts these two layouts; the checker wants one string per keyword line.
    broken(
        "two strings on a line",
        'msgid "a" "b"\nmsgstr "c"\n',
        (1, "more than one string on a line"),
        msgfmt=False,
    ),
    broken(
        "keyword without its string",
        'msgid\n"a"\nmsgstr "b"\n',
        (1, "msgid must be followed by a string on the same line"),
        msgfmt=False,
    ),
    # Keyword order.
    broken(
        "msgstr without msgid",
        'msgid "a"\nmsgstr "b"\nmsgstr "c"\n',
        (3, "msgstr without a preceding msgid"),
    ),
    broken(
        "msgid_plural without msgid",
        'msgid_plural "as"\nmsgstr[0] "x"\n',
        (1, "msgid_plural without a preceding msgid"),
        (2, "msgstr[0] without a preceding msgid and msgid_plural"),
    ),
    broken(
        "msgstr[N] without msgid_plural",
        'msgid "a"\nmsgstr[0] "x"\n',
        (2, "msgstr[0] without a preceding msgid_plural"),
    ),
    broken(
        "msgstr with msgid_plural",
        'msgid "a"\nmsgid_plural "as"\nmsgstr "x"\n',
        (3, "msgstr after msgid_plural"),
    ),
    broken(
        "msgstr[N] skips an index",
        'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[2] "y"\n',
        (4, "msgstr[2] out of order: expected msgstr[1]"),
    ),
    broken(
        "msgstr[N] starts at 1",
        'msgid "a"\nmsgid_plural "as"\nmsgstr[1] "x"\nmsgstr[2] "y"\n',
        (3, "msgstr[1] out of order: expected msgstr[0]"),
    ),
    broken(
        "msgid without msgstr", 'msgid "a"\n\nmsgid "b"\nmsgstr "c"\n', (1, "msgid without msgstr")
    ),
    broken(
        "msgid at end of file", 'msgid "a"\nmsgstr "b"\n\nmsgid "c"\n', (4, "msgid without msgstr")
    ),
    broken(
        "comment inside an entry",
        'msgid "a"\n#, fuzzy\nmsgstr "b"\n',
        (2, "comment inside an entry (the entry at line 8 has no msgstr yet)"),
    ),
    broken(
        "msgstr[N] after a comment",
        'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\n# note\nmsgstr[1] "y"\n',
        (1, "plural entry has 1 msgstr[N] forms"),
        (5, "msgstr[1] after a comment, which ends the entry"),
    ),
    broken(
        "string after a comment",
        'msgid "a"\nmsgstr "b"\n# note\n"c"\n',
        (4, "string without a keyword"),
    ),
    broken(
        "obsolete and live lines mixed",
        '#~ msgid "a"\nmsgstr "b"\n',
        (2, "inconsistent use of #~"),
    ),
    broken("obsolete garbage", '#~ hello\nmsgid "a"\nmsgstr "b"\n', (1, "not a comment, keyword")),
    # Previous-message lines (#|).
    broken("previous garbage", '#| hello\nmsgid "a"\nmsgstr "b"\n', (1, "not a comment, keyword")),
    broken(
        "previous msgstr",
        '#| msgstr "z"\nmsgid "a"\nmsgstr "b"\n',
        (1, "msgstr cannot be a previous-message"),
    ),
    broken(
        "previous msgid twice",
        '#| msgid "x"\n#| msgid "y"\nmsgid "a"\nmsgstr "b"\n',
        (2, "#| msgid out of order after #| msgid"),
    ),
    broken(
        "comment after previous msgid",
        '#| msgid "x"\n#, fuzzy\nmsgid "a"\nmsgstr "b"\n',
        (2, "comment between previous-message (#|) lines and their entry"),
    ),
    broken(
        "obsolete previous before a live entry",
        '#~| msgid "x"\nmsgid "a"\nmsgstr "b"\n',
        (1, "inconsistent use of #~"),
    ),
    # Duplicates.
    broken(
        "duplicate",
        'msgid "a"\nmsgstr "x"\n\nmsgid "a"\nmsgstr "y"\n',
        (4, 'duplicate message (msgid "a"), first defined at line 8'),
    ),
    broken(
        "duplicate with msgctxt",
        'msgctxt "x"\nmsgid "y"\nmsgstr ""\n\nmsgctxt "x"\nmsgid ""\n"y"\nmsgstr ""\n',
        (6, 'duplicate message (msgctxt "x", msgid "y"), first defined at line 9'),
    ),
    broken(
        "duplicate written differently",
        'msgid "a\\tb"\nmsgstr "x"\n\nmsgid "a\tb"\nmsgstr "y"\n',
        (4, "duplicate message"),
    ),
    broken(
        "duplicate obsolete",
        '#~ msgid "a"\n#~ msgstr "x"\n\n#~ msgid "a"\n#~ msgstr "y"\n',
        (4, 'duplicate obsolete message (msgid "a"), first defined at line 8'),
    ),
    # Charset.
    raw(
        "unknown charset",
        header("KOI9-Z").encode() + b'msgid "a"\nmsgstr "b"\n',
        (4, "unknown charset 'KOI9-Z'"),
        msgfmt=False,  # msgfmt only warns that it is "not a portable encoding name"
    ),
    raw(
        "charset that is not ASCII-compatible",
        header("UTF-16").encode() + b'msgid "a"\nmsgstr "b"\n',
        (4, "not ASCII-compatible"),
        msgfmt=False,  # msgfmt only warns
    ),
    raw(
        "Latin-1 bytes in a UTF-8 file",
        HEADER.encode() + b'msgid "a"\nmsgstr "caf\xe9"\n',
        (BODY + 2, "bytes E9 are not valid UTF-8 (the header's charset)"),
    ),
    raw(
        "Latin-1 bytes in an EUC-JP file",
        header("EUC-JP").encode() + b'msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr "caf\xe9"\n',
        (BODY + 5, "bytes E9 are not valid EUC-JP (the header's charset)"),
    ),
    raw(
        "byte order mark with another charset",
        b"\xef\xbb\xbf" + header("ISO-8859-1").encode() + b'msgid "a"\nmsgstr "b"\n',
        (1, "UTF-8 byte order mark but its charset is ISO-8859-1"),
    ),
    # Plural-Forms and plural entries.
    raw(
        "Plural-Forms without nplurals",
        header(plural_forms="plural=(n != 1);").encode() + b'msgid "a"\nmsgstr "b"\n',
        (6, "malformed Plural-Forms"),
        msgfmt=False,  # msgfmt checks Plural-Forms only when there are plural entries
    ),
    raw(
        "Plural-Forms with a broken expression",
        header(plural_forms="nplurals=2; plural=(n != ;").encode()
        + b'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] "y"\n',
        (6, "invalid plural expression"),
    ),
    raw(
        "plural expression out of range",
        header(plural_forms="nplurals=2; plural=n % 3;").encode()
        + b'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] "y"\n',
        (6, "gives 2 for n=2, but nplurals=2 allows only 0..1"),
    ),
    raw(
        "plural expression divides by zero",
        header(plural_forms="nplurals=2; plural=n / (n - 1) > 0;").encode()
        + b'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] "y"\n',
        (6, "divides by zero for n=1"),
    ),
    raw(
        "nplurals zero",
        header(plural_forms="nplurals=0; plural=0;").encode() + b'msgid "a"\nmsgstr "b"\n',
        (6, "nplurals must be at least 1"),
    ),
    broken(
        "too few plural forms",
        'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\n',
        (1, "plural entry has 1 msgstr[N] forms but the header's Plural-Forms says nplurals=2"),
    ),
    broken(
        "too many plural forms",
        'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] "y"\nmsgstr[2] "z"\n',
        (1, "plural entry has 3 msgstr[N] forms"),
    ),
    # Strings gettext or polib cannot take.
    broken("context separator", 'msgid "a"\nmsgstr "b\\004c"\n', (2, "polib"), (2, "U+0004")),
    broken(
        "escape polib does not know",
        'msgid "a"\nmsgstr "\\x41\\a"\n',
        (2, "escape sequence '\\x41' is not understood by polib, which would save it as '\\\\x41'"),
        msgfmt=False,  # valid for gettext; polib would double the backslash on saving
    ),
]


@pytest.mark.parametrize("case", BROKEN, ids=lambda case: case.name)
def test_broken_sample_is_reported_at_its_line(case: Broken, tmp_path: Path) -> None:
    problems = check_po(case.data)
    assert len(problems) == len(case.expected), problems
    for problem, (line, text) in zip(problems, case.expected, strict=True):
        assert problem.line == line, problems
        assert text in problem.message, problems
    if MSGFMT is not None:
        accepted, stderr = msgfmt_accepts(case.data, tmp_path)
        assert accepted is not case.msgfmt_rejects, stderr


def test_all_problems_are_reported_sorted_by_line() -> None:
    data = (
        HEADER
        + '#~ msgid "gone"\n#~ msgstr "x"\n\n'
        + 'msgid "a"\nmsgstr "b\\q"\n\n'  # line 12: invalid escape
        + 'msgid "c"\nmsgstr "unterminated\n\n'  # line 15
        + 'msgid "a"\nmsgstr "again"\n\n'  # line 17: duplicate of line 11
        + '#~ msgid "gone"\n#~ msgstr "y"\n'  # line 20: duplicate of line 8
    ).encode()
    assert check_po(data) == [
        PoProblem(12, "invalid escape sequence '\\q'"),
        PoProblem(15, "unterminated string"),
        PoProblem(17, 'duplicate message (msgid "a"), first defined at line 11'),
        PoProblem(20, 'duplicate obsolete message (msgid "gone"), first defined at line 8'),
    ]


def test_a_broken_line_does_not_hide_or_invent_later_problems() -> None:
    # The unterminated string still counts as the entry's msgstr: no "msgstr missing".
    body = 'msgid "a"\nmsgstr "x\n\nmsgid "b"\nmsgstr "y"\n\nmsgid "b"\nmsgstr ""\n'
    data = (HEADER + body).encode()
    assert [(p.line, p.message) for p in check_po(data)] == [
        (BODY + 2, "unterminated string"),
        (BODY + 7, 'duplicate message (msgid "b"), first defined at line 11'),
    ]


@pytest.mark.parametrize(
    "body",
    [
        'msgid "a"\nmsgstr "b\\\\"\n',  # an escaped backslash before the closing quote
        'msgid "tab\\there \\"quoted\\" \\\\ back \\r\\n\\b\\f\\v"\nmsgstr ""\n',
        'msgctxt "one"\nmsgid "same"\nmsgstr ""\n\nmsgctxt "two"\nmsgid "same"\nmsgstr ""\n',
        '#, fuzzy\nmsgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\n',  # fuzzy: not counted
        'msgid "a"\nmsgid_plural "as"\nmsgstr[0] ""\n',  # untranslated: not counted
        '#| msgctxt "p"\n#| msgid "old"\n#| msgid_plural "olds"\nmsgid "a"\nmsgstr "b"\n',
        '#| msgid "old"\n\nmsgid "a"\nmsgstr "b"\n',  # blank lines are ignored, as by gettext
        '  msgid "a"\n\tmsgstr "b"\n   # indented comment\n',
        '#~ msgid "o"\n  #~ msgstr "p"\n\n#, fuzzy\nmsgid "a"\n\rmsgstr "b"\n',  # lexer blanks
        "#~\n#\n",
    ],
)
def test_valid_but_unusual_layouts_pass(body: str, tmp_path: Path) -> None:
    data = (HEADER + body).encode()
    assert check_po(data) == []
    if MSGFMT is not None:
        assert msgfmt_accepts(data, tmp_path)[0]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("no header", b'msgid "a"\nmsgstr "b"\n'),
        ("empty file", b""),
        ("header only", HEADER.encode()),
        ("CRLF line ends", HEADER.replace("\n", "\r\n").encode() + b'msgid "a"\r\nmsgstr "b"\r\n'),
        ("no newline at the end", HEADER.encode() + b'msgid "a"\nmsgstr "b"'),
        ("ISO-8859-1", header("ISO-8859-1").encode() + b'msgid "a"\nmsgstr "caf\xe9"\n'),
        ("EUC-JP", header("EUC-JP").encode() + 'msgid "a"\nmsgstr "日本語"\n'.encode("euc_jp")),
        (
            "Shift_JIS, whose second bytes can be a backslash",
            header("Shift_JIS").encode() + 'msgid "a"\nmsgstr "ソ表"\n'.encode("shift_jis"),
        ),
        (
            "template placeholders",
            header("CHARSET", "nplurals=INTEGER; plural=EXPRESSION;").encode()
            + b'msgid "a"\nmsgid_plural "as"\nmsgstr[0] ""\nmsgstr[1] ""\n',
        ),
        (
            "header after the first entry",
            b'msgid "a"\nmsgstr "x"\n\n'
            + header("ISO-8859-1").encode()
            + b'msgid "b"\nmsgstr "\xe9"\n',
        ),
        (
            "trailing text after Plural-Forms, which gettext ignores",
            header(plural_forms="nplurals=2; plural=(n!=1);\\\\n").encode(),
        ),
        ("UTF-8 byte order mark", b"\xef\xbb\xbf" + HEADER.encode()),  # msgfmt rejects a BOM
    ],
)
def test_files_gettext_reads_pass(name: str, data: bytes) -> None:
    assert check_po(data) == []


def test_live_and_obsolete_entries_are_separate_namespaces(tmp_path: Path) -> None:
    """As specified; msgfmt differs and calls this a duplicate message definition."""
    data = (HEADER + 'msgid "same"\nmsgstr ""\n\n#~ msgid "same"\n#~ msgstr "old"\n').encode()
    assert check_po(data) == []
    if MSGFMT is not None:
        accepted, stderr = msgfmt_accepts(data, tmp_path)
        assert not accepted and "duplicate message definition" in stderr


@pytest.mark.parametrize(("lang", "rule"), sorted(PLURALS.items()))
def test_babel_plural_rules_are_valid(lang: str, rule: tuple[int, str]) -> None:
    nplurals, expression = rule
    value = f"nplurals={nplurals}; plural={expression};"
    assert pocheck._check_plural_forms(value) == (nplurals, None), lang


@pytest.mark.parametrize("path", REAL, ids=lambda path: path.name)
def test_real_catalog_has_no_problems(path: Path, tmp_path: Path) -> None:
    data = path.read_bytes()
    assert check_po(data) == []
    if MSGFMT is not None:
        accepted, stderr = msgfmt_accepts(data, tmp_path)
        assert accepted, stderr


def test_real_catalogs_cover_what_the_readme_says() -> None:
    texts = {p.name: p.read_bytes().decode("latin-1") for p in REAL}
    nplurals = {int(n) for t in texts.values() for n in re.findall(r"nplurals=\s*(\d+)", t)}
    assert {1, 2, 3, 6} <= nplurals
    charsets = {c.upper() for t in texts.values() for c in re.findall(r"charset=([\w-]+)", t)}
    assert {"UTF-8", "EUC-JP", "ISO-8859-1", "ISO-8859-2", "CHARSET"} <= charsets
    assert any("\nmsgctxt " in t for t in texts.values())
    assert any("\n#~ msgid " in t for t in texts.values())
    assert any("\n#| msgid " in t for t in texts.values())
    assert any("\n#~| msgid " in t for t in texts.values())
    assert any("\n#. " in t for t in texts.values())
    assert any('\nmsgid ""\n"' in t for t in texts.values())  # multi-line strings
    assert "\nmsgstr[5] " in texts["glib-2.74.6_ar.po"]  # a translated six-form entry


def test_catalog_written_by_polib_passes() -> None:
    po = polib.POFile(wrapwidth=79)
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
        "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    }
    po.append(
        polib.POEntry(
            msgctxt="paragraph:1",
            msgid='A long "quoted" sentence\twith a tab, ' * 5,
            msgstr="Длинное предложение\n" * 3,
            comment="extracted",
            tcomment="translator",
            occurrences=[("story.md", "3")],
            flags=["fuzzy"],
            previous_msgid="An older\nsentence",
        )
    )
    forms = {0: "a", 1: "b", 2: "c"}
    po.append(polib.POEntry(msgid="one", msgid_plural="many", msgstr_plural=forms))
    po.append(polib.POEntry(msgctxt="paragraph:9", msgid="gone " * 30, msgstr="x", obsolete=True))
    data = str(po).encode()
    assert check_po(data) == []
    assert pocheck._scan_entries(data.decode())[1] is None  # and the fast path takes it


SAMPLES = [case.data for case in BROKEN] + [p.read_bytes() for p in REAL]


@pytest.mark.parametrize("data", SAMPLES)
def test_fast_path_agrees_with_the_line_scanner(data: bytes) -> None:
    """The per-entry fast path (and its hand-over) gives what the line-by-line scan gives."""
    text = data.decode("utf-8", errors="replace")
    fast = pocheck._parse(text)
    problems, found = pocheck._scan_lines(text)
    slow = pocheck._finish(problems + pocheck._string_problems(text), found, pocheck._same)
    assert sorted(fast.problems, key=repr) == sorted(slow.problems, key=repr)
    assert (fast.charset, fast.charset_line) == (slow.charset, slow.charset_line)


RUSSIAN = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)


def synthetic(entries: int) -> bytes:
    """A catalog like the ones newsl10n writes: msgctxt, comments, wrapped strings."""
    lines = [header(plural_forms=RUSSIAN)]
    for i in range(entries):
        lines.append(
            f"#. paragraph {i}\n#: story.md:{i}\n"
            f'msgctxt "paragraph:{i:06d}"\nmsgid ""\n'
            f'"Sentence number {i} of the article, long enough to be wrapped by polib "\n'
            '"onto a second line.\\n"\n'
            f'msgstr ""\n"Предложение номер {i} статьи, достаточно длинное, чтобы "\n'
            '"перенестись на вторую строку.\\n"\n\n'
        )
    return "".join(lines).encode()


def test_the_check_grows_linearly_with_the_catalog() -> None:
    """Five thousand entries are checked whole; twice the entries cost twice the steps
    (counted, not timed), also after a broken line, past which entries are checked line by
    line."""
    data = synthetic(5000)
    assert check_po(data) == []
    assert python_steps(check_po, synthetic(400)) <= 2.5 * python_steps(check_po, synthetic(200))
    middle = data.index(b'msgstr ""\n', len(data) // 2)
    broken_data = data[:middle] + b'msgstr "' + data[middle + len(b'msgstr ""') :]
    assert [p.message for p in check_po(broken_data)] == ["unterminated string"]

    def broken(entries: int) -> bytes:
        small = synthetic(entries)
        cut = small.index(b'msgstr ""\n', len(small) // 2)
        return small[:cut] + b'msgstr "' + small[cut + len(b'msgstr ""') :]

    assert python_steps(check_po, broken(400)) <= 2.5 * python_steps(check_po, broken(200))
