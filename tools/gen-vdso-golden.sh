#!/usr/bin/env bash
# Writes rt0's vDSO image (src/linux/vdso.ts) to test/testdata/run/vdso.so and records what
# readelf sees in it (dynamic symbols, symbol versions, dynamic section) as the oracle
# test/testdata/run/vdso.readelf. Run after `npx tsc -p .`.
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/testdata/run
mkdir -p "$out"
node -e 'import("./dist/src/linux/vdso.js").then(m => require("fs").writeFileSync(process.argv[1], m.buildVdso()))' "$out/vdso.so"
readelf -W --dyn-syms -V -d -l -S "$out/vdso.so" | sed "s#$out/##" > "$out/vdso.readelf"
echo "wrote $out/vdso.so and $out/vdso.readelf"
