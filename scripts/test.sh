#!/usr/bin/env bash
# Set up a virtual environment and run every check CI runs: ruff, pytest (slow tests too),
# and the VS Code extension's tests and packaging.  Exits non-zero on any failure, and also
# when pytest collected no test at all.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PY="${PYTHON:-python3}"

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
# The CPU build of torch first: a plain requirement would pull a multi-GB CUDA build.
"$VENV/bin/python" -m pip install -q "torch==2.13.0"
"$VENV/bin/python" -m pip install -q -e ".[dev]"

"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .

set +e
"$VENV/bin/python" -m pytest -q -n "${PYTEST_WORKERS:-2}" "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "error: pytest collected no tests" >&2
    exit 1
fi
[ "$status" -eq 0 ] || exit "$status"

if [ -d vscode-client ] && [ -f vscode-client/package.json ]; then
    (cd vscode-client && npm ci --no-audit --no-fund --silent && npm test && npm run package)
fi
