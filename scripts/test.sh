#!/usr/bin/env bash
# Set up a virtual environment and run every check CI runs: ruff, pytest (slow tests too),
# and the VS Code extension's tests and packaging.  Exits non-zero on any failure, and also
# when pytest collected no test at all.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV="${VENV:-.venv}"

# The playground's end-to-end test drives Debian's Chromium (never a downloaded browser).
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

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

# The VS Code extension: unit tests and a .vsix; the playground page: tests, and a build
# that must reproduce the committed bundle byte for byte.
(cd vscode-client && npm ci --no-audit --no-fund --silent && npm test && npm run package)
(cd playground && npm ci --no-audit --no-fund --silent && npm test && npm run build)
git diff --exit-code --stat -- server/playground/static || {
    echo "error: server/playground/static is stale: run (cd playground && npm run build)" >&2
    exit 1
}
