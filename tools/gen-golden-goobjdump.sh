#!/usr/bin/env bash
# Regenerates the go tool objdump oracle outputs the `rt0 disasm --syntax go` tests compare against
# (test/testdata/goobjdump/), each made by the toolchain that built the binary:
#  hello-go1.NN.txt.gz        `go tool objdump fixtures/bin/hello-go1.NN` (whole binary; NN = 19 26)
#  hello-go1.NN.main.txt      `go tool objdump -s '^main\.main$'`
#  hello-go1.NN.range.txt     `go tool objdump BIN 0x401000 0x401040` (functions overlapping the range)
#  sha256                     of the binaries these were made from
# then rewrites known-differences.txt from the comparison (RT0_UPDATE_GOLDEN=1 test run): review
# its diff before committing. Needs the Go toolchains under /usr/lib/go-1.NN.
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/testdata/goobjdump
mkdir -p "$out"
for v in 19 26; do
  go=/usr/lib/go-1.$v/bin/go
  bin=fixtures/bin/hello-go1.$v
  [ -x "$go" ] && [ -f "$bin" ] || { echo "gen-golden-goobjdump: need $go and $bin" >&2; exit 1; }
  "$go" tool objdump "$bin" | gzip -9n > "$out/hello-go1.$v.txt.gz"
  "$go" tool objdump -s '^main\.main$' "$bin" > "$out/hello-go1.$v.main.txt"
  "$go" tool objdump "$bin" 0x401000 0x401040 > "$out/hello-go1.$v.range.txt"
  echo "gen-golden-goobjdump: go1.$v: $(zcat "$out/hello-go1.$v.txt.gz" | grep -c '^  ') instruction lines"
done
(cd fixtures/bin && sha256sum hello-go1.19 hello-go1.26) > "$out/sha256"
npx tsc -p . >/dev/null || true
RT0_UPDATE_GOLDEN=1 node --test dist/test/disasm/goasm-golden.test.js >/dev/null
echo "gen-golden-goobjdump: rewrote $out/known-differences.txt ($(grep -vc '^#' "$out/known-differences.txt") entries)"
