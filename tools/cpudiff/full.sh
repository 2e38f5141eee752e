#!/usr/bin/env bash
# The full CPU differential run: every form (levels 1-3), 170 cases each (>= 200,000 cases), on this machine's
# CPU (needs gcc and GNU as) against rt0. Prints mismatches per form and the totals.
# Writes the per-form case counts to test/testdata/cpu/full-run.txt.
# Usage: bash tools/cpudiff/full.sh [extra run.js args]
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsc -p . >/dev/null || true
exec node dist/tools/cpudiff/run.js --per-form 170 --seed 20261126 --level 3 --summary test/testdata/cpu/full-run.txt "$@"
