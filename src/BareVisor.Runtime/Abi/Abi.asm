; The parts of the ILC runtime contract that C# cannot express: fixed register conventions,
; C library symbols, and data symbols. Runs anywhere; touches no state but its arguments.
bits 64
default rel

section .text

; void* memset(void* destination (rdi), int value (esi), size_t length (rdx))
; Quadwords for the bulk, bytes for the tail: emulators count each string iteration.
global memset
memset:
    mov     r8, rdi
    movzx   eax, sil
    mov     r9, 0x0101010101010101
    imul    rax, r9
    mov     rcx, rdx
    shr     rcx, 3
    rep stosq
    mov     rcx, rdx
    and     rcx, 7
    rep stosb
    mov     rax, r8
    ret

; void* memcpy(void* destination (rdi), const void* source (rsi), size_t length (rdx))
global memcpy
memcpy:
    mov     rax, rdi
    mov     rcx, rdx
    shr     rcx, 3
    rep movsq
    mov     rcx, rdx
    and     rcx, 7
    rep movsb
    ret

; void* memmove(...): like memcpy, copying backwards (bytewise) when the destination starts
; inside the source.
global memmove
memmove:
    cmp     rdi, rsi
    jbe     memcpy
    lea     r8, [rsi + rdx]
    cmp     rdi, r8
    jae     memcpy
    mov     rax, rdi
    mov     rcx, rdx
    lea     rsi, [rsi + rdx - 1]
    lea     rdi, [rdi + rdx - 1]
    std
    rep movsb
    cld
    ret

; Copies one object reference from [rsi] to [rdi] and advances both (ILC's contract for struct
; copies containing references). No GC, so no barrier work.
global RhpByRefAssignRef
RhpByRefAssignRef:
    mov     rcx, [rsi]
    mov     [rdi], rcx
    add     rdi, 8
    add     rsi, 8
    ret

; Stacks are fully mapped, so probing large frames needs no work.
global RhpStackProbe
RhpStackProbe:
    ret

global RhDebugBreak
RhDebugBreak:
    int3
    ret

section .data
align 8
; Stack-protector cookie for frames with stackalloc. Fixed value: BareVisor has no entropy at
; link time; it still catches linear overruns.
global __security_cookie
__security_cookie: dq 0x2B992DDFA232C0DE

; Read by ILC's GC polls; no GC ever asks threads to stop.
global RhpTrapThreads
RhpTrapThreads: dd 0

section .text
extern BareVisorResolveInterfaceCall

; Interface call through a dispatch cell: rdi = this, r11 = cell. Saves the argument registers,
; asks the resolver for the target, restores them and jumps there.
global RhpInitialDynamicInterfaceDispatch
RhpInitialDynamicInterfaceDispatch:
    push    rdi
    push    rsi
    push    rdx
    push    rcx
    push    r8
    push    r9
    sub     rsp, 8 + 8 * 16
    movdqu  [rsp + 0x00], xmm0
    movdqu  [rsp + 0x10], xmm1
    movdqu  [rsp + 0x20], xmm2
    movdqu  [rsp + 0x30], xmm3
    movdqu  [rsp + 0x40], xmm4
    movdqu  [rsp + 0x50], xmm5
    movdqu  [rsp + 0x60], xmm6
    movdqu  [rsp + 0x70], xmm7
    mov     rsi, r11
    call    BareVisorResolveInterfaceCall
    movdqu  xmm0, [rsp + 0x00]
    movdqu  xmm1, [rsp + 0x10]
    movdqu  xmm2, [rsp + 0x20]
    movdqu  xmm3, [rsp + 0x30]
    movdqu  xmm4, [rsp + 0x40]
    movdqu  xmm5, [rsp + 0x50]
    movdqu  xmm6, [rsp + 0x60]
    movdqu  xmm7, [rsp + 0x70]
    add     rsp, 8 + 8 * 16
    pop     r9
    pop     r8
    pop     rcx
    pop     rdx
    pop     rsi
    pop     rdi
    jmp     rax
