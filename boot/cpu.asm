; The privileged instructions, one small function each (System V calling convention). Nothing
; else in BareVisor issues these instructions: the kernel reaches them only through
; src/BareVisor.Kernel/Arch/Native.cs. Callable from any context.
bits 64
default rel

section .text

%macro FUNCTION 1
global %1
%1:
%endmacro

; void cpu_cpuid(uint leaf, uint subleaf, CpuidResult* result)
FUNCTION cpu_cpuid
    push    rbx
    mov     eax, edi
    mov     ecx, esi
    mov     r8, rdx
    cpuid
    mov     [r8], eax
    mov     [r8 + 4], ebx
    mov     [r8 + 8], ecx
    mov     [r8 + 12], edx
    pop     rbx
    ret

FUNCTION cpu_rdmsr
    mov     ecx, edi
    rdmsr
    shl     rdx, 32
    or      rax, rdx
    ret

; bool cpu_rdmsr_safe(uint msr, ulong* value): false when RDMSR raises #GP. The #GP handler
; finds the faulting address in fault_fixup_table and resumes at the recovery label.
FUNCTION cpu_rdmsr_safe
    mov     ecx, edi
.access:
    rdmsr
    shl     rdx, 32
    or      rax, rdx
    mov     [rsi], rax
    mov     eax, 1
    ret
.recover:
    xor     eax, eax
    ret

; bool cpu_wrmsr_safe(uint msr, ulong value)
FUNCTION cpu_wrmsr_safe
    mov     ecx, edi
    mov     eax, esi
    mov     rdx, rsi
    shr     rdx, 32
.access:
    wrmsr
    mov     eax, 1
    ret
.recover:
    xor     eax, eax
    ret

FUNCTION cpu_read_cr0
    mov     rax, cr0
    ret
FUNCTION cpu_read_cr2
    mov     rax, cr2
    ret
FUNCTION cpu_read_cr3
    mov     rax, cr3
    ret
FUNCTION cpu_read_cr4
    mov     rax, cr4
    ret
FUNCTION cpu_write_cr0
    mov     cr0, rdi
    ret
FUNCTION cpu_write_cr3
    mov     cr3, rdi
    ret
FUNCTION cpu_write_cr4
    mov     cr4, rdi
    ret

FUNCTION cpu_in8
    mov     edx, edi
    in      al, dx
    movzx   eax, al
    ret
FUNCTION cpu_out8
    mov     edx, edi
    mov     eax, esi
    out     dx, al
    ret
FUNCTION cpu_out16
    mov     edx, edi
    mov     eax, esi
    out     dx, ax
    ret

FUNCTION cpu_rdtsc
    rdtsc
    shl     rdx, 32
    or      rax, rdx
    ret

; void cpu_bochs_mark(void): `xchg bx, bx`, Bochs's magic breakpoint (a no-op on any other CPU
; and in Bochs unless `magic_break: enabled=1`). Benchmarks use it to read Bochs's tick count.
FUNCTION cpu_bochs_mark
    xchg    bx, bx
    ret

FUNCTION cpu_lgdt
    lgdt    [rdi]
    ret
FUNCTION cpu_lidt
    lidt    [rdi]
    ret
FUNCTION cpu_ltr
    ltr     di
    ret

; void cpu_load_segments(ushort code, ushort data): reloads CS with a far return.
FUNCTION cpu_load_segments
    mov     ds, si
    mov     es, si
    mov     ss, si
    xor     eax, eax
    mov     fs, ax
    mov     gs, ax
    pop     rax
    push    rdi
    push    rax
    retfq

; PerCpu* cpu_gs_self(void): the first quadword at GS base, which is the PerCpu block's pointer
; to itself (src/BareVisor.Kernel/Arch/PerCpu.cs).
FUNCTION cpu_gs_self
    mov     rax, [gs:0]
    ret

FUNCTION cpu_pause
    pause
    ret

FUNCTION cpu_halt_forever
    cli
.again:
    hlt
    jmp     .again

FUNCTION cpu_read_rsp
    lea     rax, [rsp + 8]
    ret

; uint cpu_atomic_fetch_add(uint* location, uint value): LOCK XADD; returns the value before.
FUNCTION cpu_atomic_fetch_add
    mov     eax, esi
    lock xadd [rdi], eax
    ret

; uint cpu_atomic_compare_exchange(uint* location, uint expected, uint desired): LOCK CMPXCHG;
; returns the value found (equal to expected when the exchange happened).
FUNCTION cpu_atomic_compare_exchange
    mov     eax, esi
    lock cmpxchg [rdi], edx
    ret

; ulong cpu_disable_interrupts(void): RFLAGS as it was, then CLI.
FUNCTION cpu_disable_interrupts
    pushfq
    pop     rax
    cli
    ret

; void cpu_restore_interrupts(ulong rflags): STI only when rflags has IF (bit 9) set.
FUNCTION cpu_restore_interrupts
    test    edi, 0x200
    jz      .done
    sti
.done:
    ret

FUNCTION cpu_invalid_opcode
    ud2
    ret

section .data
align 8
; Pairs of (faulting instruction, where to resume) for the *_safe accessors.
global fault_fixup_table
global fault_fixup_count
fault_fixup_table:
    dq cpu_rdmsr_safe.access, cpu_rdmsr_safe.recover
    dq cpu_wrmsr_safe.access, cpu_wrmsr_safe.recover
fault_fixup_count: dq 2
