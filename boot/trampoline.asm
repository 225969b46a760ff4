; Where an application processor (AP) starts: the start-up IPI puts it in real mode at
; CS:IP = VV00:0000 (VV = the SIPI vector), in the page below 1 MiB that ApStartup
; (src/BareVisor.Kernel/Smp/ApStartup.cs) copied ap_trampoline_start..ap_trampoline_end to.
; 16-bit -> 32-bit protected mode (code in the kernel image) -> long mode on the boot-time
; identity map -> the kernel's page tables -> ap_main (Smp/ApEntry.cs) on the AP's own stack.
; Interrupts stay off throughout. The real-mode part runs at whatever page it was copied to: it
; finds its own linear address from CS and patches its GDT pointer itself.
;
; The BSP starts one AP at a time and offers it one PerCpu block (ap_start_cpu). The AP takes
; the block only when the block's APIC ID is its own, with LOCK CMPXCHG, so an AP that answers
; late, after the BSP gave up on it and moved on, parks instead of taking another CPU's block.
bits 16

extern boot_pml4
extern ap_main

PERCPU_STACK_TOP equ 8      ; PerCpu.StackTop (src/BareVisor.Kernel/Arch/PerCpu.cs)
PERCPU_APIC_ID equ 16       ; PerCpu.ApicId

section .rodata
global ap_trampoline_start
global ap_trampoline_end
ap_trampoline_start:
    cli
    cld
    mov     ax, cs
    mov     ds, ax
    movzx   eax, ax
    shl     eax, 4                      ; linear address of this page
    add     eax, ap_trampoline_gdt - ap_trampoline_start
    mov     [ap_trampoline_gdt_pointer - ap_trampoline_start + 2], eax
    o32 lgdt [ap_trampoline_gdt_pointer - ap_trampoline_start]
    mov     eax, cr0
    or      eax, 1                      ; PE
    mov     cr0, eax
    jmp     dword 0x08:ap_entry32       ; the kernel image, linked below 4 GiB

align 8
ap_trampoline_gdt:
    dq 0
    dq 0x00CF9A000000FFFF               ; 0x08: 32-bit code, flat
    dq 0x00CF92000000FFFF               ; 0x10: data, flat
    dq 0x00AF9A000000FFFF               ; 0x18: 64-bit code
ap_trampoline_gdt_pointer:
    dw ap_trampoline_gdt_pointer - ap_trampoline_gdt - 1
    dd 0                                ; patched with the page's linear address at run time
ap_trampoline_end:

; 32-bit protected mode, paging off. The same CPU state entry.asm gives the BSP: PAE, SSE
; (OSFXSR, OSXMMEXCPT: compiled C# uses SSE), EFER as the BSP has it (LME, NXE), then paging on
; boot_pml4, whose identity map of the low 4 GiB is executable everywhere.
bits 32
section .boot32
ap_entry32:
    mov     ax, 0x10
    mov     ds, ax
    mov     es, ax
    mov     ss, ax
    mov     eax, cr4
    or      eax, (1 << 5) | (1 << 9) | (1 << 10)
    mov     cr4, eax
    mov     eax, boot_pml4
    mov     cr3, eax
    mov     ecx, 0xC0000080             ; IA32_EFER
    mov     eax, [ap_start_efer]
    xor     edx, edx
    wrmsr
    ; Paging, protected mode, write protect, numeric error (VMXON needs NE); caches on; no FPU
    ; emulation, monitor coprocessor for SSE.
    mov     eax, cr0
    and     eax, ~((1 << 30) | (1 << 29) | (1 << 2))
    or      eax, (1 << 31) | (1 << 16) | (1 << 5) | (1 << 1) | 1
    mov     cr0, eax
    jmp     0x18:ap_entry64

bits 64
default rel
section .text
ap_entry64:
    mov     ax, 0x10
    mov     ds, ax
    mov     es, ax
    mov     ss, ax
    xor     eax, eax
    mov     fs, ax
    mov     gs, ax
    mov     rax, [ap_start_cr3]         ; the kernel's own page tables, as on the BSP
    mov     cr3, rax

    ; This CPU's APIC ID: CPUID leaf 0xB (x2APIC ID) when it exists, else leaf 1 EBX[31:24].
    xor     eax, eax
    cpuid
    cmp     eax, 0xB
    jb      .xapic_id
    mov     eax, 0xB
    xor     ecx, ecx
    cpuid
    test    ebx, ebx                    ; leaf 0xB present but not implemented
    jz      .xapic_id
    mov     r8d, edx
    jmp     .claim
.xapic_id:
    mov     eax, 1
    cpuid
    shr     ebx, 24
    mov     r8d, ebx

.claim:
    mov     rax, [ap_start_cpu]
    test    rax, rax
    jz      .park
    cmp     r8d, [rax + PERCPU_APIC_ID]
    jne     .park
    mov     rdi, rax
    xor     ecx, ecx
    lock cmpxchg [ap_start_cpu], rcx    ; take the block: ap_start_cpu = 0 if it is still ours
    jne     .park
    mov     rsp, [rdi + PERCPU_STACK_TOP]   ; 16-byte aligned: the call leaves RSP+8 aligned
    xor     ebp, ebp
    call    ap_main                     ; ap_main(PerCpu* cpu); does not return
.park:
    cli
    hlt
    jmp     .park

; void smp_offer_start(PerCpu* cpu, ulong cr3, ulong efer): what the next AP to start takes.
; BSP only, before the INIT IPI.
global smp_offer_start
smp_offer_start:
    mov     [ap_start_cr3], rsi
    mov     [ap_start_efer], rdx
    mov     [ap_start_cpu], rdi
    ret

; PerCpu* smp_withdraw_start(void): takes the offer back; returns the block when no AP took it,
; 0 when an AP did. BSP only, after the AP failed to answer in time.
global smp_withdraw_start
smp_withdraw_start:
    xor     eax, eax
    xchg    rax, [ap_start_cpu]         ; implicitly locked
    ret

section .data
align 8
ap_start_cpu: dq 0
ap_start_cr3: dq 0
ap_start_efer: dq 0
