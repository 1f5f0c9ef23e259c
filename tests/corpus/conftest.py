"""Print the corpus pass rate at the end of any pytest run that ran corpus documents."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    reports = [
        r
        for key in ("passed", "failed")
        for r in terminalreporter.stats.get(key, [])
        if getattr(r, "when", "call") == "call" and "test_corpus.py::test_document[" in r.nodeid
    ]
    if not reports:
        return
    passed = sum(r.passed for r in reports)
    terminalreporter.write_sep("-", f"corpus: {passed} of {len(reports)} documents pass")
