; Interrupt and exception entry stubs (vectors 0-31). Each stub brings the stack to one layout
; (the C# InterruptFrame), saves the SSE state the compiled C# code may clobber, and calls
; kernel_interrupt(InterruptFrame*). Runs with interrupts off (interrupt gates).
bits 64
default rel

extern kernel_interrupt
global isr_table

; Vectors where the CPU pushes an error code itself.
%define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

section .text
%assign vector 0
%rep 32
isr_ %+ vector:
%if HAS_ERROR(vector) == 0
    push    0
%endif
    push    vector
    jmp     interrupt_common
%assign vector vector + 1
%endrep

interrupt_common:
    push    rax
    push    rbx
    push    rcx
    push    rdx
    push    rsi
    push    rdi
    push    rbp
    push    r8
    push    r9
    push    r10
    push    r11
    push    r12
    push    r13
    push    r14
    push    r15
    mov     rbx, rsp                    ; the frame; rbx survives the call
    and     rsp, -16
    sub     rsp, 512
    fxsave64 [rsp]
    mov     rdi, rbx
    call    kernel_interrupt
    fxrstor64 [rsp]
    mov     rsp, rbx
    pop     r15
    pop     r14
    pop     r13
    pop     r12
    pop     r11
    pop     r10
    pop     r9
    pop     r8
    pop     rbp
    pop     rdi
    pop     rsi
    pop     rdx
    pop     rcx
    pop     rbx
    pop     rax
    add     rsp, 16                     ; vector and error code
    iretq

section .data
align 8
isr_table:
%assign vector 0
%rep 32
    dq isr_ %+ vector
%assign vector vector + 1
%endrep
