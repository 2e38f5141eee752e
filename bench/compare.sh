#!/usr/bin/env bash
# Two rt0 builds in the same window, program by program, alternately: the machine's speed
# drifts by tens of percent over hours, so a change is measured against the previous build run
# minutes apart, not against yesterday's table. Prints MIPS and seconds from --stats-file (the
# guest run, without Node's start-up) and the change: medians of ROUNDS alternating rounds
# (default 3; single runs of the same build differ by up to 15% here).
#
#   bash bench/compare.sh OLD_RT0_BIN NEW_RT0_BIN [GO_VERSIONS] [PROGRAMS]
#   e.g. git worktree add /tmp/old 558fd79 && (cd /tmp/old && npm ci && npm run build)
#        bash bench/compare.sh /tmp/old/dist/src/cli/rt0.mjs dist/src/cli/rt0.cjs
# The binaries come from `npm run bench` (bench/out/goVER/PROG).
set -euo pipefail
old=$1 new=$2
gos=${3:-"1.19 1.26"}
progs=${4:-"sort sha256 mapfill json"}
rounds=${ROUNDS:-3}
here=$(cd "$(dirname "$0")" && pwd)
stats=$(mktemp)
trap 'rm -f "$stats"' EXIT
export NODE_EXTRA_CA_CERTS= # see bench/run.ts: a CA-bundle parse at every Node start
run() { node "$1" run --stats-file "$stats" "$2" > /dev/null; node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));process.stdout.write(`${(s.instructions/s.seconds/1e6).toFixed(1)} ${s.seconds.toFixed(2)}`)' "$stats"; }
for go in $gos; do
  for p in $progs; do
    bin=$here/out/go$go/$p
    [ -x "$bin" ] || { echo "missing $bin (run npm run bench first)" >&2; exit 2; }
    mos=() sos=() mns=() sns=()
    for _ in $(seq "$rounds"); do
      read -r m t <<< "$(run "$old" "$bin")"; mos+=("$m"); sos+=("$t")
      read -r m t <<< "$(run "$new" "$bin")"; mns+=("$m"); sns+=("$t")
    done
    med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
    mo=$(med "${mos[@]}") so=$(med "${sos[@]}") mn=$(med "${mns[@]}") sn=$(med "${sns[@]}")
    awk -v g="$go" -v p="$p" -v mo="$mo" -v so="$so" -v mn="$mn" -v sn="$sn" \
      'BEGIN { printf "go%s %-8s old %7.1f MIPS %6.2fs   new %7.1f MIPS %6.2fs   %+.0f%%\n", g, p, mo, so, mn, sn, (mn / mo - 1) * 100 }'
  done
done
