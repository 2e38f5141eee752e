// Self-modifying code inside one basic block (issue 17 item 11): a store that patches a later
// instruction of the same block must run the new instruction, as a CPU and qemu-user do. Two
// generated functions on an RWX page, called many times so the compiled tier sees them too:
// one patches the immediate of the next instruction, one its opcode byte.
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(void) {
  unsigned char *p = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) { perror("mmap"); return 1; }
  // mov byte [rip+1], IMM (patches the next instruction's immediate); mov eax, 1; ret
  static const unsigned char imm[] = {0xc6, 0x05, 0x01, 0, 0, 0, 0x00, 0xb8, 1, 0, 0, 0, 0xc3};
  // mov eax, 7; mov byte [rip+0], OPC (patches the next opcode); mov eax|ecx, 1; ret
  static const unsigned char opc[] = {0xb8, 7, 0, 0, 0, 0xc6, 0x05, 0, 0, 0, 0, 0x00, 0xb8, 1, 0, 0, 0, 0xc3};
  memcpy(p, imm, sizeof imm);
  memcpy(p + 64, opc, sizeof opc);
  int (*patchImm)(void) = (int (*)(void))p;
  int (*patchOpcode)(void) = (int (*)(void))(p + 64);
  long sum = 0;
  for (int i = 0; i < 1000; i++) {
    p[6] = (unsigned char)(i * 7);
    int r = patchImm();
    if (r != (unsigned char)(i * 7)) { printf("immediate: call %d returned %d, want %d\n", i, r, (unsigned char)(i * 7)); return 1; }
    p[64 + 11] = (i & 1) ? 0xb9 : 0xb8;
    int s = patchOpcode();
    if (s != ((i & 1) ? 7 : 1)) { printf("opcode: call %d returned %d, want %d\n", i, s, (i & 1) ? 7 : 1); return 1; }
    sum += r + s;
  }
  printf("ok %ld\n", sum);
  return 0;
}
