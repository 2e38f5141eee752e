#!/usr/bin/env bash
# Regenerates the objdump oracle outputs that test/disasm/ compares rt0's decoder, GNU
# formatter and objdump layout against: `objdump -d` of the committed fixture binaries.
# Usage: bash tools/gen-golden-objdump.sh   (needs GNU objdump; output is gzip -9n)
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/testdata/objdump
mkdir -p "$out"
objdump --version | head -1 > "$out/objdump-version.txt"
for bin in hello-go1.19 hello-go1.26 hello-go1.26-stripped; do
  objdump -d "fixtures/bin/$bin" | gzip -9n > "$out/$bin.d.gz"
  echo "$out/$bin.d.gz: $(zcat "$out/$bin.d.gz" | wc -l) lines"
done
objdump -d -M intel fixtures/bin/hello-go1.26 | gzip -9n > "$out/hello-go1.26.intel.d.gz"
echo "$out/hello-go1.26.intel.d.gz: $(zcat "$out/hello-go1.26.intel.d.gz" | wc -l) lines"
