#!/usr/bin/env bash
# Golden files for `rt0 info` and `rt0 disasm` on an x86-64 executable that is not Go
# (test/disasm/anyelf.test.ts): builds test/testdata/anyelf/tiny.c freestanding and static with
# gcc (and a stripped copy), then records what objdump -f and objdump -d print for each. The
# binaries are committed with their goldens, so the test needs neither gcc nor objdump.
# Usage: bash tools/gen-golden-anyelf.sh
set -euo pipefail
cd "$(dirname "$0")/../test/testdata/anyelf"
gcc -O2 -static -nostdlib -fno-pie -no-pie -fno-stack-protector -ffreestanding -fno-asynchronous-unwind-tables \
  -Wl,--build-id=none -o tiny tiny.c
strip -o tiny-stripped tiny
for b in tiny tiny-stripped; do
  objdump -f "$b" > "$b.objdump-f"
  objdump -d "$b" > "$b.objdump-d"
done
echo "gen-golden-anyelf: $(objdump --version | head -1); $(gcc --version | head -1)"
