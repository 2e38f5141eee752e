// Interpreter speed on a fixed instruction mix: million guest instructions per host second.
// The loop body (assembled with GNU as from the listing below) mixes integer ALU, loads and
// stores, LEA, IMUL, a data-dependent branch, an SSE 32-byte copy, CALL/RET and PUSH/POP.
//   node dist/bench/cpu-micro.js [--iterations N] [--repeat R]
//
//   xor eax,eax; xor edx,edx
// outer: mov ecx,256; mov r8,rdi
// inner: mov r9,[r8]; add rax,r9; xor rdx,rax; lea r10,[rax+rdx*2+7]; mov [r8+8],r10
//        shr r10,3; imul r10,r10,13; cmp r10,rdx; jb 1f; sub rax,1
//    1:  movdqu xmm0,[r8+16]; movdqu xmm1,[r8+32]; movdqu [r8+2064],xmm0; movdqu [r8+2080],xmm1
//        add r8,8; dec ecx; jnz inner
//        call leaf; dec rsi; jnz outer; syscall
// leaf:  push rbx; mov rbx,rax; and rbx,255; add rax,rbx; pop rbx; ret

import { Space } from "../src/mem/space.js";
import { PROT_EXEC, PROT_READ, PROT_WRITE } from "../src/mem/api.js";
import { X86Cpu } from "../src/cpu/cpu.js";
import { STOP } from "../src/cpu/api.js";

const CODE_HEX =
  "31c031d2b9000100004989f84d8b084c01c84831c24c8d5450074d89500849c1ea034d6bd20d4939d272044883e801" +
  "f3410f6f4010f3410f6f4820f3410f7f8010080000f3410f7f88200800004983c008ffc975b7e80700000048ffce75a5" +
  "0f05534889c34881e3ff0000004801d85bc3";

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

function once(iterations: number): { insts: number; secs: number; cpuSecs: number; rax: bigint } {
  const mem = new Space();
  mem.map(0x400000, 0x1000, PROT_READ | PROT_EXEC);
  mem.write(0x400000, Uint8Array.from(CODE_HEX.match(/../g)!.map((b) => parseInt(b, 16))), true);
  mem.map(0x10000000, 0x10000, PROT_READ | PROT_WRITE);
  mem.map(0x7ff00000, 0x10000, PROT_READ | PROT_WRITE);
  const cpu = new X86Cpu(mem, { vendor: "GenuineIntel", level: 1 });
  cpu.rip = 0x400000;
  cpu.setReg(4, 0x7ff10000);
  cpu.setReg(7, 0x10000000);
  cpu.setReg(6, iterations);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let r: number;
  while ((r = cpu.run(1_000_000)) === STOP.SLICE_END);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cu = process.cpuUsage(c0);
  const cpuSecs = (cu.user + cu.system) / 1e6;
  if (r !== STOP.SYSCALL) throw new Error(`unexpected stop ${r} at ${cpu.rip.toString(16)}: ${cpu.illegalReason}`);
  return { insts: cpu.retired, secs, cpuSecs, rax: cpu.getRegBig(0) };
}

const iterations = arg("--iterations", 2000);
const repeat = arg("--repeat", 5);
once(50); // warm-up
const rates: number[] = [];
const cpuRates: number[] = [];
let last = { insts: 0, secs: 0, cpuSecs: 0, rax: 0n };
for (let k = 0; k < repeat; k++) {
  last = once(iterations);
  rates.push(last.insts / last.secs / 1e6);
  cpuRates.push(last.insts / last.cpuSecs / 1e6);
}
const med = (a: number[]): number => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`cpu-micro: ${last.insts} guest instructions per run, ${repeat} runs, result rax=${last.rax.toString(16)}`);
console.log(`cpu-micro: median ${med(rates).toFixed(1)} MIPS wall-clock (min ${rates[0].toFixed(1)}, max ${rates[rates.length - 1].toFixed(1)}); ${med(cpuRates).toFixed(1)} MIPS per CPU-second of this process`);
