#!/usr/bin/env bash
# Set up, then run the main job on the shipped defaults: generate the complete Standard
# Model Lagrangian and check every example document.  The job runs on the exact engine, so
# only the package's core is installed: no torch (scripts/test.sh installs everything).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh core
VENV="${VENV:-.venv}"
echo "== lagrangian generate examples/standard_model.lag"
"$VENV/bin/lagrangian" generate examples/standard_model.lag
status=0
for example in examples/*.lag examples/*.tex; do
    echo "== lagrangian check $example"
    "$VENV/bin/lagrangian" check "$example" || status=1
done
exit "$status"
