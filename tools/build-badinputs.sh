#!/usr/bin/env bash
# Builds the small bad-input files the CLI error tests feed to `rt0 info` (committed under
# test/testdata/badinput/): empty, text, truncated ELF, 32-bit (GOARCH=386) and arm64 Go ELFs
# (cut to their first 4 KiB: the header alone decides), and a dynamically linked C program.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/test/testdata/badinput
go=${GO:-/usr/lib/go-1.26/bin/go}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: > "$out/empty"
printf 'This is a text file, not a program.\nrt0 should say so in one line.\n' > "$out/text.txt"
export CGO_ENABLED=0 GOOS=linux GOTOOLCHAIN=local GOFLAGS=-mod=mod GOCACHE=${GOCACHE:-$root/fixtures/build/.gocache}
(cd fixtures/src && GOARCH=amd64 "$go" build -trimpath -buildvcs=false -ldflags="-s -w -buildid=rt0fixture" -o "$tmp/amd64" ./println)
(cd fixtures/src && GOARCH=386 "$go" build -trimpath -buildvcs=false -ldflags="-s -w -buildid=rt0fixture" -o "$tmp/386" ./println)
(cd fixtures/src && GOARCH=arm64 "$go" build -trimpath -buildvcs=false -ldflags="-s -w -buildid=rt0fixture" -o "$tmp/arm64" ./println)
head -c 65536 "$tmp/amd64" > "$out/truncated-amd64"
head -c 4096 "$tmp/386" > "$out/go-386"
head -c 4096 "$tmp/arm64" > "$out/go-arm64"
printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' > "$tmp/c.c"
gcc -O1 -s -o "$out/c-dynamic" "$tmp/c.c"
ls -l "$out"
