"""The paper-notation corpus: documents written the way papers and reviews write Lagrangians.

Every document under ``tests/corpus/documents/`` (``.tex`` or ``.lag``) has a sidecar
``NAME.expected`` listing, one per line, ``LINE CODE [SEVERITY]`` of every diagnostic the
document must draw; ``#`` starts a comment, and a sidecar with no entries means "no
diagnostic at all".  The expectations were derived by hand from the physics (see
``README.md`` beside this file), never copied from the tool's output.

Each document runs through the real command-line path, ``lagrangian check FILE --format
json`` (in process, through ``lagrangian.server.cli.main``), and the set of (line, code)
pairs it reports is compared exactly with the sidecar.  Compared: every error, warning and
hint, and the information diagnostics with code ``not-checked``; other information
diagnostics (notes) are not compared.

Pass rate without pytest::

    .venv/bin/python tests/corpus/test_corpus.py          # one line per document + summary
    .venv/bin/python tests/corpus/test_corpus.py -v       # also the differences

or with pytest: ``pytest tests/corpus`` prints ``corpus: N of M documents pass`` at the end
of the run (``conftest.py`` beside this file).
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DOCUMENTS = HERE / "documents"
SUFFIXES = (".tex", ".lag")
COMPARED_SEVERITIES = ("error", "warning", "hint")
COMPARED_INFO_CODES = ("not-checked",)


@dataclass(frozen=True)
class Expected:
    line: int
    code: str
    severity: str | None = None


@dataclass
class Outcome:
    document: Path
    expected: list[Expected]
    reported: list[dict] = field(default_factory=list)
    crash: str | None = None

    @property
    def missing(self) -> list[Expected]:
        got = {(r["line"], r["code"]) for r in self.reported}
        return [e for e in self.expected if (e.line, e.code) not in got]

    @property
    def unexpected(self) -> list[dict]:
        want = {(e.line, e.code) for e in self.expected}
        return [r for r in self.reported if (r["line"], r["code"]) not in want]

    @property
    def wrong_severity(self) -> list[tuple[Expected, dict]]:
        out = []
        for e in self.expected:
            if e.severity is None:
                continue
            for r in self.reported:
                if (r["line"], r["code"]) == (e.line, e.code) and r["severity"] != e.severity:
                    out.append((e, r))
        return out

    @property
    def passed(self) -> bool:
        return (
            self.crash is None
            and not self.missing
            and not self.unexpected
            and not self.wrong_severity
        )

    def report(self) -> str:
        lines = [f"{self.document.name}:"]
        if self.crash:
            lines.append(f"  the check did not complete: {self.crash}")
        for e in sorted(self.missing, key=lambda e: (e.line, e.code)):
            sev = f" ({e.severity})" if e.severity else ""
            lines.append(f"  missing     line {e.line}: {e.code}{sev}")
        shown = set()
        for r in sorted(self.unexpected, key=lambda r: (r["line"], r["code"])):
            line = f"  unexpected  line {r['line']}: {r['code']} ({r['severity']}): {r['message']}"
            if line not in shown:
                shown.add(line)
                lines.append(line)
        for e, r in self.wrong_severity:
            lines.append(
                f"  severity    line {e.line}: {e.code} is {r['severity']}, expected {e.severity}"
            )
        if self.passed:
            lines.append("  ok")
        return "\n".join(lines)


def documents() -> list[Path]:
    return sorted(p for p in DOCUMENTS.iterdir() if p.suffix in SUFFIXES)


def read_expected(document: Path) -> list[Expected]:
    sidecar = document.with_suffix(".expected")
    if not sidecar.is_file():
        raise FileNotFoundError(f"{document.name} has no {sidecar.name}")
    out = []
    for number, raw in enumerate(sidecar.read_text(encoding="utf-8").splitlines(), 1):
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        parts = text.split()
        if len(parts) not in (2, 3) or not parts[0].isdigit():
            raise ValueError(f"{sidecar.name}:{number}: expected 'LINE CODE [SEVERITY]'")
        out.append(Expected(int(parts[0]), parts[1], parts[2] if len(parts) == 3 else None))
    return out


def compared(record: dict) -> bool:
    return record["severity"] in COMPARED_SEVERITIES or record["code"] in COMPARED_INFO_CODES


def run_check(document: Path) -> list[dict]:
    """``lagrangian check DOCUMENT --format json``, in process; the compared diagnostics."""
    from lagrangian.server.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["check", str(document), "--format", "json"])
    if status not in (0, 1):
        raise RuntimeError(f"exit status {status}: {err.getvalue().strip()}")
    records = json.loads(out.getvalue())["diagnostics"]
    return [r for r in records if compared(r)]


def evaluate(document: Path) -> Outcome:
    outcome = Outcome(document, read_expected(document))
    try:
        outcome.reported = run_check(document)
    except Exception as error:  # a crash is a failure of that document, not of the run
        outcome.crash = f"{type(error).__name__}: {error}"
    return outcome


# Documents whose hand-derived expectations the reader does not meet yet.  Each stays a
# strict xfail: its expectation is untouched, and the case fails the day it starts passing,
# so the entry must then be removed.  The reasons are the physics the reader still lacks.
KNOWN_GAPS: dict[str, str] = {}


def cases() -> list[object]:
    return [
        pytest.param(
            path,
            id=path.name,
            marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[path.name])
            if path.name in KNOWN_GAPS
            else (),
        )
        for path in documents()
    ]


@pytest.mark.parametrize("document", cases())
def test_document(document: Path) -> None:
    outcome = evaluate(document)
    assert outcome.passed, "\n" + outcome.report()


def test_every_document_has_expectations() -> None:
    for document in documents():
        read_expected(document)  # raises when missing or malformed
    stems = [p.stem for p in documents()]
    # A .lag beside a .tex of the same name would be read as its sidecar declarations.
    assert len(stems) == len(set(stems)), "two documents share a name"
    assert len(stems) >= 40


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    names = [a for a in argv if not a.startswith("-")]
    selected = [d for d in documents() if not names or d.name in names or d.stem in names]
    passed = 0
    for document in selected:
        outcome = evaluate(document)
        passed += outcome.passed
        if verbose and not outcome.passed:
            print(outcome.report())
        else:
            print(f"{'PASS' if outcome.passed else 'FAIL'}  {document.name}")
    print(f"{passed} of {len(selected)} documents pass")
    return 0 if passed == len(selected) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
