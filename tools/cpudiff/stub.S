# Prologue and epilogue copied around each test instruction by harness.c: load every GPR,
# RFLAGS, MXCSR and XMM0-15 from the input image at IN, run the instruction, store them to OUT.
# Only absolute 32-bit addresses are used, so the bytes run wherever they are copied.
        .set IN, 0x40000000
        .set OUT, 0x40001000
        .set SAVE, 0x40002000
        .text
        .globl pro_start, pro_end, epi_start, epi_end
pro_start:
        push %rbx
        push %rbp
        push %r12
        push %r13
        push %r14
        push %r15
        mov %rsp, SAVE
        stmxcsr SAVE+8
        ldmxcsr IN+136
        .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        movdqu IN+144+16*\i, %xmm\i
        .endr
        pushq IN+128
        popfq
        mov IN+0, %rax
        mov IN+8, %rcx
        mov IN+16, %rdx
        mov IN+24, %rbx
        mov IN+40, %rbp
        mov IN+48, %rsi
        mov IN+56, %rdi
        mov IN+64, %r8
        mov IN+72, %r9
        mov IN+80, %r10
        mov IN+88, %r11
        mov IN+96, %r12
        mov IN+104, %r13
        mov IN+112, %r14
        mov IN+120, %r15
        mov IN+32, %rsp
pro_end:
epi_start:
        mov %rax, OUT+0
        mov %rcx, OUT+8
        mov %rdx, OUT+16
        mov %rbx, OUT+24
        mov %rsp, OUT+32
        mov %rbp, OUT+40
        mov %rsi, OUT+48
        mov %rdi, OUT+56
        mov %r8, OUT+64
        mov %r9, OUT+72
        mov %r10, OUT+80
        mov %r11, OUT+88
        mov %r12, OUT+96
        mov %r13, OUT+104
        mov %r14, OUT+112
        mov %r15, OUT+120
        mov SAVE, %rsp
        pushfq
        popq OUT+128
        cld
        stmxcsr OUT+136
        .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        movdqu %xmm\i, OUT+144+16*\i
        .endr
        ldmxcsr SAVE+8
        pop %r15
        pop %r14
        pop %r13
        pop %r12
        pop %rbp
        pop %rbx
        ret
epi_end:
        .section .note.GNU-stack,"",@progbits
