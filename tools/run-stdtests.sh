#!/usr/bin/env bash
# Runs the standard-library test binaries built by tools/build-stdtests.sh in their package
# directories with -test.short, natively and under `rt0 run`, and prints one line per binary:
#   go1.NN PKG native=PASS rt0=PASS|FAIL(status) SECONDS
# Usage: [PKGS="strings fmt"] [RT0_MAIN=path/to/main.js] bash tools/run-stdtests.sh [versions...]   (default: 1.19 1.26)
# RT0_MAIN lets a long run use a snapshot of dist/ while dist/ is rebuilt.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
versions=${*:-1.19 1.26}
main=${RT0_MAIN:-$root/dist/src/cli/main.js}
for v in $versions; do
  for t in "$root"/fixtures/build/stdtest/go$v/*.test; do
    name=$(basename "$t" .test)
    pkg=${name//_//}
    if [ -n "${PKGS:-}" ] && ! [[ " $PKGS " == *" $pkg "* ]]; then continue; fi
    dir=/usr/lib/go-$v/src/$pkg
    nat=$(cd "$dir" && timeout 600 "$t" -test.short >/dev/null 2>&1 && echo PASS || echo "FAIL($?)")
    start=$(date +%s)
    out=$(cd "$dir" && timeout 1800 node "$main" run "$t" -test.short 2>&1)
    rc=$?
    secs=$(( $(date +%s) - start ))
    if [ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | tail -1)" = PASS ]; then emu=PASS; else emu="FAIL($rc)"; fi
    echo "go$v $pkg native=$nat rt0=$emu ${secs}s"
    if [ "$emu" != PASS ]; then printf '%s\n' "$out" | grep -E "^(--- FAIL|rt0:|fatal|panic|SIG)" | head -5 | sed 's/^/    /'; fi
  done
done
