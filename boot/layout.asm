; Hands the linker's section boundaries and a few boot-time values to the kernel.
; void kernel_layout(KernelLayout* layout): fills the struct of that name in Arch/Native.cs.
bits 64
default rel

extern __image_start, __image_end, __text_start, __text_end, __rodata_start, __data_start
extern __bss_start, __bss_end, __modules_start, __modules_end, __symbols_start, __symbols_end
extern boot_entry_tsc, isr_table, fault_fixup_table, fault_fixup_count, boot_stack_top
extern ap_trampoline_start, ap_trampoline_end

BOOT_HEAP_SIZE equ 2 * 1024 * 1024

section .text
global kernel_layout
kernel_layout:
    lea     rax, [__image_start]
    mov     [rdi + 0 * 8], rax
    lea     rax, [__image_end]
    mov     [rdi + 1 * 8], rax
    lea     rax, [__text_start]
    mov     [rdi + 2 * 8], rax
    lea     rax, [__text_end]
    mov     [rdi + 3 * 8], rax
    lea     rax, [__rodata_start]
    mov     [rdi + 4 * 8], rax
    lea     rax, [__data_start]
    mov     [rdi + 5 * 8], rax
    lea     rax, [__bss_start]
    mov     [rdi + 6 * 8], rax
    lea     rax, [__bss_end]
    mov     [rdi + 7 * 8], rax
    lea     rax, [__modules_start]
    mov     [rdi + 8 * 8], rax
    lea     rax, [__modules_end]
    mov     [rdi + 9 * 8], rax
    lea     rax, [__symbols_start]
    mov     [rdi + 10 * 8], rax
    lea     rax, [__symbols_end]
    mov     [rdi + 11 * 8], rax
    lea     rax, [boot_heap]
    mov     [rdi + 12 * 8], rax
    lea     rax, [boot_heap + BOOT_HEAP_SIZE]
    mov     [rdi + 13 * 8], rax
    mov     rax, [boot_entry_tsc]
    mov     [rdi + 14 * 8], rax
    lea     rax, [isr_table]
    mov     [rdi + 15 * 8], rax
    lea     rax, [fault_fixup_table]
    mov     [rdi + 16 * 8], rax
    mov     rax, [fault_fixup_count]
    mov     [rdi + 17 * 8], rax
    lea     rax, [boot_stack_top]
    mov     [rdi + 18 * 8], rax
    lea     rax, [ap_trampoline_start]
    mov     [rdi + 19 * 8], rax
    lea     rax, [ap_trampoline_end]
    mov     [rdi + 20 * 8], rax
    ret

section .bss
alignb 4096
; The heap `new` uses until the physical page allocator exists.
boot_heap: resb BOOT_HEAP_SIZE
