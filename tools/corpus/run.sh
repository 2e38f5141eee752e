#!/usr/bin/env bash
# The corpus of real programs (issue 19, item 3): each fetched from Debian's archive by the
# runner (apt-get download, dpkg-deb -x; nothing is committed), given a workload a user would
# run, run natively, natively under strace, under qemu-user and under rt0, the outputs compared.
# Prints a table (program, workload, identical to native or not, rt0's wall time against native
# and qemu-user) and the survey: every system call the native runs made that rt0's table lacks,
# with the programs that made it (all calls and their programs go to $RT0_CORPUS/survey.tsv).
#   tools/corpus/run.sh [NAME...]     (default: all; needs apt-get, dpkg-deb, strace,
#                                      qemu-x86_64 and a built dist/)
# RT0_CORPUS (default /tmp/rt0-corpus) caches the packages and holds each run's files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${RT0_CORPUS:-/tmp/rt0-corpus}
cli="$root/dist/src/cli/main.js"
[ -f "$cli" ] || { echo "run.sh: build rt0 first (npx tsc -p tsconfig.json)" >&2; exit 1; }
for tool in apt-get dpkg-deb strace qemu-x86_64; do command -v $tool >/dev/null || { echo "run.sh: needs $tool" >&2; exit 1; }; done
mkdir -p "$cache/debs" "$cache/root"

# name | Debian packages | the program inside them | workload (a shell snippet; `prog` runs the program)
CORPUS=$(cat <<'TABLE'
gron|gron|/usr/bin/gron|echo '{"a":[1,2,{"b":"c"}],"d":true}' | prog
gron-ungron|gron|/usr/bin/gron|printf 'json.a = 1;\njson.b = "x";\n' | prog --ungron
gojq|gojq|/usr/bin/gojq|echo '{"a":[1,2,3],"b":{"c":"d"}}' | prog -c '[(.a|add), .b.c, (.a|map(.*2))]'
shfmt|shfmt|/usr/bin/shfmt|printf 'if true;then echo  x;fi\nfor i in 1 2;do echo $i;done\n' | prog -i 2
shfmt-file|shfmt|/usr/bin/shfmt|printf 'a(){ echo 1;}\n' > in.sh && prog -l -w in.sh; cat in.sh
age|age|/usr/bin/age|printf 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX\n' > key && echo hello | prog -e -i key -a > msg.age && prog -d -i key msg.age
fzf-filter|fzf|/usr/bin/fzf|printf 'apple\nbanana\ncherry\ngrape\n' | prog -f an
esbuild|esbuild|/usr/bin/esbuild|echo 'export const x: number = 1 + 2; console.log(x)' | prog --loader=ts --format=cjs
glow-file|glow|/usr/bin/glow|printf '# Title\n\nSome *text* and `code`.\n\n- one\n- two\n' > doc.md && prog -s notty - < doc.md
glow-pipe|glow|/usr/bin/glow|printf '# Title\n\nSome *text*.\n' | prog -s notty -
direnv|direnv|/usr/bin/direnv|prog stdlib | head -5
caddy-adapt|caddy|/usr/bin/caddy|printf 'localhost:8080 {\n  respond "hi"\n}\n' > Caddyfile && prog adapt --config Caddyfile 2>/dev/null
hugo-new|hugo|/usr/bin/hugo|prog new site site >/dev/null && ls site | sort
rclone-lsf|rclone|/usr/bin/rclone|mkdir -p d/e && echo 1 > d/a && echo 22 > d/e/b && prog lsf -R d && prog md5sum d | sort
restic|restic|/usr/bin/restic|mkdir -p data && echo hello > data/f && export RESTIC_PASSWORD=pw && prog -q init -r repo >/dev/null && prog -q -r repo backup data >/dev/null && prog -q -r repo restore latest --target out && cat out/data/f
gitleaks|gitleaks|/usr/bin/gitleaks|mkdir -p src && echo 'aws_secret="AKIAIOSFODNN7EXAMPLE"' > src/x && prog detect --no-git --no-banner -s src 2>&1 | grep -c AKIA || true
jq|jq libjq1 libonig5|/usr/bin/jq|echo '{"a":[1,2,3]}' | prog -c '.a|map(.+1)'
TABLE
)

# The system calls rt0 implements.
known=$(node --input-type=module -e "const { TABLE } = await import('$root/dist/src/linux/syscalls.js'); console.log(TABLE.filter(Boolean).map((r) => r.name).join('\n'))")

fetch() {
  local pkg
  for pkg in "$@"; do
    if ! ls "$cache/debs/${pkg}_"*.deb >/dev/null 2>&1; then (cd "$cache/debs" && apt-get download "$pkg" >/dev/null 2>&1) || { echo "run.sh: apt-get download $pkg failed (apt-get update first?)" >&2; return 1; }; fi
    dpkg-deb -x "$cache/debs/${pkg}_"*.deb "$cache/root"
  done
}

printf '| program | workload | identical to native | rt0/native | rt0/qemu-user |\n|---|---|---|---|---|\n'
declare -A calls
while IFS='|' read -r name pkgs bin work; do
  [ $# -gt 0 ] && [[ " $* " != *" $name "* ]] && continue
  fetch $pkgs
  exe="$cache/root$bin"
  w="$cache/work/$name"
  # native: the oracle and its time; strace: the native run again, traced, for the survey.
  for side in native strace qemu rt0; do
    rm -rf "$w/$side" && mkdir -p "$w/$side"
    if [ $side = native ]; then
      prog() { LD_LIBRARY_PATH="$cache/root/usr/lib/x86_64-linux-gnu" "$exe" "$@"; }
    elif [ $side = qemu ]; then
      prog() { qemu-x86_64 -E "LD_LIBRARY_PATH=$cache/root/usr/lib/x86_64-linux-gnu" "$exe" "$@"; }
    elif [ $side = strace ]; then
      prog() { LD_LIBRARY_PATH="$cache/root/usr/lib/x86_64-linux-gnu" strace -f -qq -o "$w/strace.$RANDOM" "$exe" "$@"; }
    else
      prog() { node "$cli" run --quiet --env "LD_LIBRARY_PATH=$cache/root/usr/lib/x86_64-linux-gnu" "$exe" "$@"; }
    fi
    export -f prog 2>/dev/null || true
    start=$(date +%s.%N)
    rc=0
    (cd "$w/$side" && set +e +o pipefail && eval "$work") >"$w/$side.out" 2>"$w/$side.err" || rc=$?
    echo "exit $rc" >>"$w/$side.out"
    end=$(date +%s.%N)
    echo "$start $end" >"$w/$side.time"
  done
  same=no; cmp -s "$w/native.out" "$w/rt0.out" && same=yes
  ratio() { awk -v n="$(cat "$w/$1.time")" -v r="$(cat "$w/rt0.time")" 'BEGIN { split(n, a, " "); split(r, b, " "); printf "%.0f×", (b[2]-b[1]) / (a[2]-a[1]) }'; }
  shown=$(sed -e 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/|/\\|/g' -e 's/`/\&#96;/g' <<<"$work")
  printf '| %s | <code>%s</code> | %s | %s | %s |\n' "$name" "$shown" "$same" "$(ratio native)" "$(ratio qemu)"
  for f in "$w"/strace.*; do
    for c in $(grep -oE '^[0-9]+ +[a-z_0-9]+\(' "$f" | sed -E 's/^[0-9]+ +//; s/\($//' | sort -u); do
      calls[$c]="${calls[$c]:-} $name"
    done
    rm -f "$f"
  done
done <<<"$CORPUS"

echo
lacking=0
for c in $(printf '%s\n' "${!calls[@]}" | sort); do
  grep -qx "$c" <<<"$known" && continue
  [ $lacking = 0 ] && echo "System calls the native runs made that rt0 lacks (and the programs that made them):"
  lacking=$((lacking + 1))
  printf '  %-24s%s\n' "$c" "$(tr ' ' '\n' <<<"${calls[$c]}" | sort -u | tr '\n' ' ')"
done
echo "The native runs made ${#calls[@]} distinct system calls; rt0 lacks $lacking of them."
# The whole survey: each call and the programs that made it.
for c in $(printf '%s\n' "${!calls[@]}" | sort); do
  printf '%s\t%s\n' "$c" "$(tr ' ' '\n' <<<"${calls[$c]}" | sort -u | tr '\n' ' ')"
done >"$cache/survey.tsv"
echo "(every call and its programs: $cache/survey.tsv)"
