#!/usr/bin/env bash
# Regenerates the oracle outputs the ELF/Go-metadata/info tests compare against:
#  test/testdata/gobin/go1.NN/{nm.txt.gz,addr2line.txt.gz,sha256}: `go tool nm -n` text symbols
#    and `go tool addr2line` for 1,000 fixed-seed PCs of fixtures/build/go1.NN/hello (NN = 19 22 26)
#  test/testdata/gobin/hello-stripped-go1.22.gz: that stripped twin, so the go1.22 check runs
#    without building fixtures (go1.19/go1.26 binaries are committed in fixtures/bin)
#  test/testdata/info/golden.tsv: `objdump -f` and `go version` of every fixture binary.
# Needs the fixtures built (bash tools/build-fixtures.sh), objdump and the Go toolchains.
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/testdata/gobin
mkdir -p "$out" test/testdata/info
for v in 19 22 26; do
  go=/usr/lib/go-1.$v/bin/go
  bin=fixtures/build/go1.$v/hello
  [ -x "$go" ] && [ -f "$bin" ] || { echo "gen-golden-gobin: need $go and $bin (run tools/build-fixtures.sh)" >&2; exit 1; }
  d=$out/go1.$v
  mkdir -p "$d"
  "$go" tool nm -n "$bin" | awk '$2 == "T" || $2 == "t"' > "$d/nm.txt"
  # 1,000 PCs in [runtime.text, runtime.etext) from a Park-Miller generator (seed 20260101).
  text=$((16#$(awk '$3 == "runtime.text" { print $1 }' "$d/nm.txt")))
  etext=$((16#$(awk '$3 == "runtime.etext" { print $1 }' "$d/nm.txt")))
  x=20260101
  : > "$d/pcs.txt"
  for _ in $(seq 1000); do
    x=$(( (x * 48271) % 2147483647 ))
    printf '0x%x\n' $(( text + x % (etext - text) )) >> "$d/pcs.txt"
  done
  "$go" tool addr2line "$bin" < "$d/pcs.txt" | paste - - > "$d/a2l.txt"
  paste "$d/pcs.txt" "$d/a2l.txt" > "$d/addr2line.txt"
  rm "$d/pcs.txt" "$d/a2l.txt"
  gzip -9nf "$d/nm.txt" "$d/addr2line.txt"
  (cd "fixtures/build/go1.$v" && sha256sum hello hello-stripped) > "$d/sha256"
  echo "gen-golden-gobin: go1.$v: $(zcat "$d/nm.txt.gz" | wc -l) text symbols, $(zcat "$d/addr2line.txt.gz" | wc -l) PCs"
done
gzip -9nc fixtures/build/go1.22/hello-stripped > "$out/hello-stripped-go1.22.gz"

# rt0 info oracle: path, sha256, start address line of `objdump -f`, the flags line, the flag
# names line, and `go version` (with the toolchain that built it), for every fixture binary.
{
  for f in fixtures/bin/* fixtures/build/go1.*/*; do
    [ -f "$f" ] || continue
    case "$f" in */.gocache*) continue ;; esac
    v=$(/usr/lib/go-1.26/bin/go version "$f" | sed 's/^.*: //')
    od=$(objdump -f "$f" | base64 -w0)
    printf '%s\t%s\t%s\t%s\n' "$f" "$(sha256sum < "$f" | cut -d' ' -f1)" "$v" "$od"
  done
} > test/testdata/info/golden.tsv
echo "gen-golden-gobin: $(wc -l < test/testdata/info/golden.tsv) binaries in test/testdata/info/golden.tsv"

# ELF reader oracle: readelf's section headers, program headers and notes of the committed set.
mkdir -p test/testdata/elf
for f in fixtures/bin/*; do
  readelf -SlnW "$f" > "test/testdata/elf/$(basename "$f").readelf.txt"
done
echo "gen-golden-gobin: readelf output for $(ls fixtures/bin | wc -l) binaries in test/testdata/elf"

# Build info oracle: `go version -m` of the committed set.
for f in fixtures/bin/*; do
  /usr/lib/go-1.26/bin/go version -m "$f" | sed 1d > "test/testdata/gobin/$(basename "$f").version-m.txt"
done
echo "gen-golden-gobin: go version -m for $(ls fixtures/bin | wc -l) binaries"
