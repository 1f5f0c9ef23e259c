#!/usr/bin/env bash
# Create (or reuse) the virtual environment and install the package.
#   bash scripts/setup.sh        everything (model, training, tests): torch==2.13.0, the CPU
#                                build, first, then the package with every extra, Ray included
#                                (its distributed dataset build is tested on a local instance)
#   bash scripts/setup.sh core   the package's core only: check, generate and the language
#                                server on the exact engine need no torch, so none is installed
# A plain torch requirement with nothing installed would pull a multi-GB CUDA build, hence the
# pinned CPU build first.  Where pip reaches only the public index, set TORCH_INDEX_URL to
# PyTorch's CPU wheel index (README, Quickstart).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PY="${PYTHON:-python3}"
PROFILE="${1:-all}"
case "$PROFILE" in
    core | all) ;;
    *) echo "usage: bash scripts/setup.sh [core|all]" >&2; exit 2 ;;
esac
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
if [ "$PROFILE" = core ]; then
    "$VENV/bin/python" -m pip install -q -e .
else
    "$VENV/bin/python" -m pip install -q "torch==2.13.0" ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}
    "$VENV/bin/python" -m pip install -q -e ".[dev,ray]"
fi
