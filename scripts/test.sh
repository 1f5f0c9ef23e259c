#!/usr/bin/env bash
# Set up a virtual environment and run every check CI runs: ruff, pytest (slow tests too),
# and the VS Code extension's tests and packaging.  Exits non-zero on any failure, and also
# when pytest collected no test at all.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV="${VENV:-.venv}"

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
