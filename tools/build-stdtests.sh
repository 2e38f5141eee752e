#!/usr/bin/env bash
# Builds standard-library test binaries (`go test -c`) for the packages issue 4 lists, with
# go1.19 and go1.26 (or the versions given), into fixtures/build/stdtest/go1.NN/PKG.test
# (PKG with / replaced by _). tools/run-stdtests.sh runs them natively and under rt0.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
pkgs="strings strconv sort bytes bufio math math/big unicode/utf8 encoding/json encoding/base64 regexp fmt errors sync/atomic container/heap crypto/sha256 compress/flate hash/crc32"
versions=${*:-1.19 1.26}
export CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOTOOLCHAIN=local GOFLAGS=
export GOCACHE=${GOCACHE:-$root/fixtures/build/.gocache}
for v in $versions; do
  go=/usr/lib/go-$v/bin/go
  out=$root/fixtures/build/stdtest/go$v
  mkdir -p "$out"
  for p in $pkgs; do
    (cd /usr/lib/go-$v/src && "$go" test -c -o "$out/${p//\//_}.test" "$p")
  done
  echo "built go$v stdtests"
done
