; Multiboot headers: Multiboot2 for GRUB (BIOS and UEFI), Multiboot1 with a.out-kludge
; addresses for `qemu-system-x86_64 -kernel`, which refuses 64-bit ELF files otherwise.
bits 32

extern __image_start
extern __load_end
extern __image_end
extern boot_entry32

MB1_MAGIC        equ 0x1BADB002
MB1_FLAGS        equ (1 << 0) | (1 << 1) | (1 << 16)   ; page-aligned modules, memory map, addresses
MB2_MAGIC        equ 0xE85250D6
MB2_ARCH_I386    equ 0

section .multiboot
align 8
multiboot2_header:
    dd MB2_MAGIC
    dd MB2_ARCH_I386
    dd multiboot2_end - multiboot2_header
    dd -(MB2_MAGIC + MB2_ARCH_I386 + (multiboot2_end - multiboot2_header))
    ; Information request: command line (1), modules (3), memory map (6), ACPI RSDP (14, 15).
    align 8
.request:
    dw 1, 0
    dd .request_end - .request
    dd 1, 3, 6, 14, 15
.request_end:
    ; Modules page-aligned, so module memory can be handed out by page.
    align 8
    dw 6, 0
    dd 8
    align 8
    dw 0, 0
    dd 8
multiboot2_end:

align 4
multiboot1_header:
    dd MB1_MAGIC
    dd MB1_FLAGS
    dd -(MB1_MAGIC + MB1_FLAGS)
    dd multiboot1_header
    dd __image_start
    dd __load_end
    dd __image_end
    dd boot_entry32
