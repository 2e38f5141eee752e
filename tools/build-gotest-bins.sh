#!/usr/bin/env bash
# Builds the `go test -c` binaries of the standard packages whose code exercises the richest
# instruction mix (issue 3's coverage set) with every installed toolchain, into
# fixtures/build/gotest/go1.NN/<pkg>.test (gitignored). Used by tools/x86-coverage.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
pkgs="strings math crypto/sha256 crypto/aes math/big hash/crc32"
export CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOTOOLCHAIN=local
export GOCACHE=${GOCACHE:-$root/fixtures/build/.gocache}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for d in /usr/lib/go-1.*; do
  [ -x "$d/bin/go" ] || continue
  v=${d#/usr/lib/go-}
  out=$root/fixtures/build/gotest/go$v
  mkdir -p "$out"
  for p in $pkgs; do
    n=$(echo "$p" | tr / _)
    [ -s "$out/$n.test" ] && continue
    (cd "$tmp" && "$d/bin/go" test -c -trimpath -o "$out/$n.test" "$p")
  done
  echo "built go$v test binaries: $pkgs"
done
