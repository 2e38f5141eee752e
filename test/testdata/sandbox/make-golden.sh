#!/bin/sh
# Regenerates rmdir-root.txt: what Linux answers when a program removes or renames its root
# directory, recorded natively in a chroot (needs root; rt0 --root must give the same lines).
# Usage: sh test/testdata/sandbox/make-golden.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
gcc -static -O1 -Wall -o "$dir/names" "$here/names.c"
chroot "$dir" /names rmdir-root > "$here/rmdir-root.txt"
