#!/usr/bin/env bash
# Oracle for `rt0 boot`: runs fixture binaries natively under gdb, stops at runtime.rt0_go, the
# arch_prctl system call made by runtime.settls, and runtime.schedinit, and records the values
# that do not depend on address-space layout (g0 stack size and guards relative to stack.lo,
# the arch_prctl code and address as &runtime.m0.tls+8, CPUID vendor, argc and argv).
# Output: test/testdata/boot/gdb-<fixture>.txt (key=value lines). Needs gdb.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v gdb >/dev/null || { echo "gen-golden-boot: gdb not found" >&2; exit 1; }
mkdir -p test/testdata/boot
for name in hello-go1.19 hello-go1.26; do
  bin=fixtures/bin/$name
  cmds=$(mktemp)
  cat > "$cmds" <<'GDB'
set pagination off
set confirm off
set language c
set startup-with-shell off
break runtime.rt0_go
catch syscall arch_prctl
break runtime.schedinit
run
printf "argc=%d\n", $rdi
printf "argv1=%s\n", *(char**)($rsi+8)
printf "argv2=%s\n", *(char**)($rsi+16)
printf "rt0_go.sp_mod16=%d\n", (long)$rsp % 16
continue
printf "arch_prctl.code=0x%x\n", $rdi
printf "arch_prctl.addr=0x%lx\n", $rsi
printf "m0.tls_plus_8=0x%lx\n", (unsigned long)&'runtime.m0'.tls + 8
continue
continue
printf "g0.stack.size=%lu\n", (long)'runtime.g0'.stack.hi - (long)'runtime.g0'.stack.lo
printf "g0.stackguard0_minus_lo=%lu\n", (long)'runtime.g0'.stackguard0 - (long)'runtime.g0'.stack.lo
printf "g0.stackguard1_minus_lo=%lu\n", (long)'runtime.g0'.stackguard1 - (long)'runtime.g0'.stack.lo
printf "m0.g0_is_g0=%d\n", 'runtime.m0'.g0 == &'runtime.g0'
printf "g0.m_is_m0=%d\n", 'runtime.g0'.m == &'runtime.m0'
printf "isIntel=%d\n", 'runtime.isIntel'
kill
quit
GDB
  out=test/testdata/boot/gdb-$name.txt
  {
    echo "# gdb oracle for fixtures/bin/$name run as: $name alpha beta (tools/gen-golden-boot.sh)"
    echo "# host CPU vendor: $(grep -m1 vendor_id /proc/cpuinfo | awk '{print $3}')"
    gdb -batch -nx -x "$cmds" --args "$bin" alpha beta 2>/dev/null | grep -E '^[a-zA-Z0-9_.]+=' 
  } > "$out"
  rm -f "$cmds"
  echo "wrote $out"; cat "$out"
done
