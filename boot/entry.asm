; Entry from the boot loader (Multiboot1 or 2): 32-bit protected mode, paging off, EAX = magic,
; EBX = boot information. Builds an identity map of the first 4 GiB (page 0 left unmapped),
; enters long mode, enables SSE (compiled C# uses it everywhere), and calls kmain. The kernel
; replaces these page tables and this GDT with its own once it runs.
bits 32

extern kmain
extern __bss_start
extern __bss_end
global boot_entry32
global boot_entry_tsc
global boot_stack_top
global boot_pml4                        ; also the APs' page tables on their way to long mode (trampoline.asm)

COM1 equ 0x3F8

section .boot32
boot_entry32:
    cli
    cld
    mov     esi, eax                    ; keep magic and info pointer out of the way
    mov     edi, ebx
    rdtsc
    mov     [boot_tsc_scratch], eax
    mov     [boot_tsc_scratch + 4], edx
    mov     esp, boot_stack_top

    ; Zero .bss (loaders do not always clear it). The stack lives there too, so nothing may
    ; be pushed yet.
    mov     ebp, edi
    mov     edi, __bss_start
    mov     ecx, __bss_end
    sub     ecx, edi
    xor     eax, eax
    rep stosb
    mov     edi, ebp
    mov     eax, [boot_tsc_scratch]
    mov     [boot_entry_tsc], eax
    mov     eax, [boot_tsc_scratch + 4]
    mov     [boot_entry_tsc + 4], eax

    ; Long mode available? (CPUID 0x80000001:EDX.LM)
    mov     eax, 0x80000000
    cpuid
    cmp     eax, 0x80000001
    jb      .no_long_mode
    mov     eax, 0x80000001
    cpuid
    test    edx, 1 << 29
    jz      .no_long_mode
    mov     [boot_nx_supported], edx    ; bit 20: NX

    call    build_identity_map

    mov     eax, cr4
    or      eax, (1 << 5) | (1 << 9) | (1 << 10)   ; PAE, OSFXSR, OSXMMEXCPT
    mov     cr4, eax
    mov     eax, boot_pml4
    mov     cr3, eax
    mov     ecx, 0xC0000080             ; IA32_EFER: LME, and NXE when the CPU has NX
    rdmsr
    or      eax, 1 << 8
    test    dword [boot_nx_supported], 1 << 20
    jz      .no_nx
    or      eax, 1 << 11
.no_nx:
    wrmsr
    ; Paging, protected mode, write protect, numeric error (VMXON needs NE); caches on (GRUB
    ; can leave CD/NW set); no FPU emulation, monitor coprocessor for SSE.
    mov     eax, cr0
    and     eax, ~((1 << 30) | (1 << 29) | (1 << 2))
    or      eax, (1 << 31) | (1 << 16) | (1 << 5) | (1 << 1) | 1
    mov     cr0, eax

    lgdt    [boot_gdt_pointer]
    jmp     0x08:long_mode_entry

.no_long_mode:
    mov     ebx, no_long_mode_message
.print:
    mov     al, [ebx]
    test    al, al
    jz      .power_off
    mov     dx, COM1
    out     dx, al
    inc     ebx
    jmp     .print
.power_off:
    mov     dx, 0xF4                    ; QEMU isa-debug-exit
    mov     al, 0x10
    out     dx, al
    mov     ebx, shutdown_string        ; Bochs power-off
.bochs:
    mov     al, [ebx]
    test    al, al
    jz      .halt
    mov     dx, 0x8900
    out     dx, al
    inc     ebx
    jmp     .bochs
.halt:
    hlt
    jmp     .halt

; PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages covering 4 GiB, except
; the first 2 MiB, which use 4 KiB pages so page 0 stays unmapped (null dereferences fault).
build_identity_map:
    mov     eax, boot_pdpt
    or      eax, 3
    mov     [boot_pml4], eax
    xor     ecx, ecx
.pdpt:
    mov     eax, ecx
    shl     eax, 12
    add     eax, boot_pd
    or      eax, 3
    mov     [boot_pdpt + ecx * 8], eax
    inc     ecx
    cmp     ecx, 4
    jb      .pdpt
    xor     ecx, ecx
.pd:
    mov     eax, ecx
    shl     eax, 21
    or      eax, 0x83                   ; present, writable, 2 MiB
    mov     [boot_pd + ecx * 8], eax
    mov     eax, ecx
    shr     eax, 11
    mov     [boot_pd + ecx * 8 + 4], eax
    inc     ecx
    cmp     ecx, 4 * 512
    jb      .pd
    mov     eax, boot_pt
    or      eax, 3
    mov     [boot_pd], eax
    mov     ecx, 1
.pt:
    mov     eax, ecx
    shl     eax, 12
    or      eax, 3
    mov     [boot_pt + ecx * 8], eax
    inc     ecx
    cmp     ecx, 512
    jb      .pt
    ret

bits 64
long_mode_entry:
    mov     ax, 0x10
    mov     ds, ax
    mov     es, ax
    mov     ss, ax
    xor     ax, ax
    mov     fs, ax
    mov     gs, ax
    mov     rsp, boot_stack_top
    xor     rbp, rbp
    xchg    esi, edi                    ; kmain(magic = rdi, info = rsi), upper halves zero
    call    kmain
    ud2

section .data
align 16
boot_gdt:
    dq 0
    dq 0x00AF9A000000FFFF               ; 0x08: 64-bit code
    dq 0x00CF92000000FFFF               ; 0x10: data
boot_gdt_pointer:
    dw boot_gdt_pointer - boot_gdt - 1
    dd boot_gdt
no_long_mode_message: db "BareVisor: this CPU has no 64-bit long mode", 13, 10, "BareVisor: power off", 13, 10, 0
shutdown_string: db "Shutdown", 0
align 8
boot_tsc_scratch: dq 0
boot_nx_supported: dd 0

section .bss
alignb 4096
boot_pml4: resb 4096
boot_pdpt: resb 4096
boot_pd: resb 4 * 4096
boot_pt: resb 4096
boot_entry_tsc: resq 1
alignb 16
boot_stack: resb 64 * 1024
boot_stack_top:
