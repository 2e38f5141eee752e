#!/usr/bin/env bash
# Regenerates the go tool objdump oracle outputs the `rt0 disasm --syntax go` tests compare against
# (test/testdata/goobjdump/), each made by the toolchain that built the binary:
#  hello-go1.NN.txt.gz        `go tool objdump fixtures/bin/hello-go1.NN` (whole binary; NN = 19 26)
#  hello-go1.NN.main.txt      `go tool objdump -s '^main\.main$'`
#  hello-go1.NN.range.txt     `go tool objdump BIN 0x401000 0x401040` (functions overlapping the range)
#  sha256                     of the binaries these were made from
#  matrix.tsv                 for every fixtures/build/go1.NN/{hello,println,stackgrow,goroutines}
#                             (when built): go version, name, sha256 of the binary, sha256 of its
#                             `go tool objdump` output (the x86asm-mode test compares hashes)
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
: > "$out/matrix.tsv"
for v in 19 21 22 23 24 25 26; do
  for n in hello println stackgrow goroutines; do
    bin=fixtures/build/go1.$v/$n
    [ -f "$bin" ] && [ -x "/usr/lib/go-1.$v/bin/go" ] || continue
    printf 'go1.%s\t%s\t%s\t%s\n' "$v" "$n" "$(sha256sum < "$bin" | cut -c1-64)" \
      "$(/usr/lib/go-1.$v/bin/go tool objdump "$bin" | sha256sum | cut -c1-64)" >> "$out/matrix.tsv"
  done
done
npx tsc -p . >/dev/null || true
RT0_UPDATE_GOLDEN=1 node --test dist/test/disasm/goasm-golden.test.js >/dev/null
echo "gen-golden-goobjdump: rewrote $out/known-differences.txt ($(grep -vc '^#' "$out/known-differences.txt") entries)"
