#!/usr/bin/env bash
# Builds every fixture program under fixtures/src with every installed Go toolchain
# (/usr/lib/go-1.NN/bin/go, see ../shared/scripts/install-go-toolchains.sh) into
# fixtures/build/go1.NN/NAME, plus a stripped (-s -w) hello per toolchain.
# With --commit-set it refreshes the small prebuilt set kept in git (fixtures/bin: the CLI's
# bundled sample and the web explorer's samples, so neither needs Go installed).
# Builds are reproducible: CGO_ENABLED=0, -trimpath, fixed build ID. The cgo fixtures
# (fixtures/src/cgo*) are built apart with CGO_ENABLED=1 (dynamically linked against glibc),
# and skipped with a message when gcc is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/fixtures/build
versions=()
for d in /usr/lib/go-1.*; do
  [ -x "$d/bin/go" ] && versions+=("${d#/usr/lib/go-}")
done
[ ${#versions[@]} -gt 0 ] || { echo "build-fixtures: no Go toolchain in /usr/lib/go-1.*; run ../shared/scripts/install-go-toolchains.sh" >&2; exit 1; }
progs=$(cd fixtures/src && ls -d */ | tr -d / | grep -v '^cgo' | tr "\n" " ")
cgoprogs=$(cd fixtures/src && ls -d cgo*/ 2>/dev/null | tr -d / | tr "\n" " ")
havecc=1
command -v "${CC:-gcc}" >/dev/null 2>&1 || havecc=0
export CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOTOOLCHAIN=local GOFLAGS=-mod=mod
export GOCACHE=${GOCACHE:-$root/fixtures/build/.gocache}
for v in "${versions[@]}"; do
  go=/usr/lib/go-$v/bin/go
  mkdir -p "$out/go$v"
  for p in $progs; do
    (cd fixtures/src && "$go" build -trimpath -buildvcs=false -ldflags=-buildid=rt0fixture -o "$out/go$v/$p" "./$p")
  done
  (cd fixtures/src && "$go" build -trimpath -buildvcs=false -ldflags="-s -w -buildid=rt0fixture" -o "$out/go$v/hello-stripped" ./hello)
  echo "built go$v: $progs hello-stripped"
  if [ -n "$cgoprogs" ] && [ $havecc = 1 ]; then
    for p in $cgoprogs; do
      (cd fixtures/src && CGO_ENABLED=1 "$go" build -trimpath -buildvcs=false -ldflags=-buildid=rt0fixture -o "$out/go$v/$p" "./$p")
    done
    echo "built go$v with cgo: $cgoprogs"
  fi
done
if [ -n "$cgoprogs" ] && [ $havecc = 0 ]; then
  echo "build-fixtures: no C compiler (${CC:-gcc}): skipped the cgo fixtures ($cgoprogs)" >&2
fi
if [ "${1:-}" = --commit-set ]; then
  mkdir -p fixtures/bin
  cp "$out/go1.19/hello" fixtures/bin/hello-go1.19
  cp "$out/go1.26/hello" fixtures/bin/hello-go1.26
  cp "$out/go1.26/hello-stripped" fixtures/bin/hello-go1.26-stripped
  cp "$out/go1.26/stackgrow" fixtures/bin/stackgrow-go1.26
  cp "$out/go1.26/goroutines" fixtures/bin/goroutines-go1.26   # a web explorer sample
  echo "refreshed fixtures/bin"
fi
