#!/usr/bin/env bash
# Records the native runs of the committed prebuilt fixtures (fixtures/bin) as golden files in
# test/testdata/run/NAME.{stdout,stderr,status}, the oracle for test/cli/run.test.ts on hosts
# that cannot run linux/amd64 binaries natively.
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/testdata/run
mkdir -p "$out"
for b in hello-go1.19 hello-go1.26 stackgrow-go1.26; do
  set +e
  (cd /tmp && "$OLDPWD/fixtures/bin/$b" </dev/null >"$OLDPWD/$out/$b.stdout" 2>"$OLDPWD/$out/$b.stderr")
  echo $? >"$out/$b.status"
  set -e
  echo "recorded $b"
done
