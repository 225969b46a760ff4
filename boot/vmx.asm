; The VMX instructions, and the world switch between BareVisor (VMX root) and a guest.
; Status results follow the SDM's conventions: 0 = VMsucceed, 1 = VMfailInvalid (CF),
; 2 = VMfailValid (ZF; the VM-instruction error field says why). Called with interrupts off.
bits 64
default rel

section .text

%macro FUNCTION 1
global %1
%1:
%endmacro

; rax = 0, 1 or 2 from the flags a VMX instruction just set.
%macro VMX_STATUS 0
    mov     eax, 0
    mov     ecx, 1
    mov     edx, 2
    cmovc   eax, ecx
    cmovz   eax, edx
%endmacro

; int vmx_on(ulong vmxonRegion)
FUNCTION vmx_on
    push    rdi
    vmxon   [rsp]
    VMX_STATUS
    add     rsp, 8
    ret

; int vmx_clear(ulong vmcs), int vmx_ptrld(ulong vmcs)
FUNCTION vmx_clear
    push    rdi
    vmclear [rsp]
    VMX_STATUS
    add     rsp, 8
    ret

FUNCTION vmx_ptrld
    push    rdi
    vmptrld [rsp]
    VMX_STATUS
    add     rsp, 8
    ret

; int vmx_read(ulong encoding, ulong* value)
FUNCTION vmx_read
    vmread  r8, rdi
    VMX_STATUS
    mov     [rsi], r8
    ret

; int vmx_write(ulong encoding, ulong value)
FUNCTION vmx_write
    vmwrite rdi, rsi
    VMX_STATUS
    ret

; int vmx_invept(ulong type, InveptDescriptor* descriptor)
FUNCTION vmx_invept
    invept  rdi, [rsi]
    VMX_STATUS
    ret

; int vmx_invvpid(ulong type, InvvpidDescriptor* descriptor)
FUNCTION vmx_invvpid
    invvpid rdi, [rsi]
    VMX_STATUS
    ret

; Offsets in GuestRegisters (src/BareVisor.Kernel/Vmx/GuestRegisters.cs).
G_RAX equ 0
G_RBX equ 8
G_RCX equ 16
G_RDX equ 24
G_RSI equ 32
G_RDI equ 40
G_RBP equ 48
G_R8  equ 56
G_R9  equ 64
G_R10 equ 72
G_R11 equ 80
G_R12 equ 88
G_R13 equ 96
G_R14 equ 104
G_R15 equ 112
G_CR2 equ 120
G_RIP equ 128
G_EXIT_REASON equ 136
G_EXIT_QUALIFICATION equ 144
G_EXIT_INSTRUCTION_LENGTH equ 152
G_IDT_VECTORING equ 160
G_CPUID_TABLE equ 168
G_CPUID_FAST_MASK equ 176
G_EXIT_COUNTS equ 184
G_RUN_LOOP_TSC equ 192
G_PREEMPTION_TIMER_SHIFT equ 200
G_FX  equ 208                           ; 512-byte FXSAVE area, 16-byte aligned

HOST_RSP equ 0x6C14
HOST_RIP equ 0x6C16
GUEST_RIP equ 0x681E
EXIT_REASON equ 0x4402
EXIT_QUALIFICATION equ 0x6400
EXIT_INSTRUCTION_LENGTH equ 0x440C
IDT_VECTORING_INFORMATION equ 0x4408
VMX_PREEMPTION_TIMER_VALUE equ 0x482E
EXIT_REASON_CPUID equ 10

; int vmx_run(GuestRegisters* guest (rdi), int launched (esi))
; Enters the guest with VMLAUNCH (launched = 0) or VMRESUME. Returns 0 after a VM exit, with the
; guest's registers saved; or the VMfail status when entry failed outright. The guest's SSE state
; lives in its FXSAVE area; BareVisor's C# treats all XMM registers as caller-saved, so none of
; its own need saving here.
FUNCTION vmx_run
    push    rbx
    push    rbp
    push    r12
    push    r13
    push    r14
    push    r15
    push    rdi                         ; [rsp] = guest registers, found again after the exit
    test    esi, esi                    ; the host stack is the same on every entry of a run loop,
    jnz     .host_set                   ; so HOST_RSP/HOST_RIP are written at launch only
    mov     rax, HOST_RSP
    vmwrite rax, rsp
    lea     rdx, [vmx_exit]
    mov     rax, HOST_RIP
    vmwrite rax, rdx
.host_set:
    mov     rax, GUEST_RIP
    vmwrite rax, [rdi + G_RIP]
    fxrstor64 [rdi + G_FX]
    mov     rax, [rdi + G_CR2]
    mov     cr2, rax
    test    esi, esi
    mov     rax, [rdi + G_RAX]
    mov     rbx, [rdi + G_RBX]
    mov     rcx, [rdi + G_RCX]
    mov     rdx, [rdi + G_RDX]
    mov     rsi, [rdi + G_RSI]
    mov     rbp, [rdi + G_RBP]
    mov     r8,  [rdi + G_R8]
    mov     r9,  [rdi + G_R9]
    mov     r10, [rdi + G_R10]
    mov     r11, [rdi + G_R11]
    mov     r12, [rdi + G_R12]
    mov     r13, [rdi + G_R13]
    mov     r14, [rdi + G_R14]
    mov     r15, [rdi + G_R15]
    mov     rdi, [rdi + G_RDI]          ; the mov instructions leave the flags of `test` alone
    jnz     .resume
    vmlaunch
    jmp     .failed
.resume:
    vmresume
.failed:
    VMX_STATUS
    add     rsp, 8
    pop     r15
    pop     r14
    pop     r13
    pop     r12
    pop     rbp
    pop     rbx
    ret

; VM exit: the CPU loaded HOST_RSP (pointing at the saved guest-register pointer) and HOST_RIP.
; Fast path first: CPUID for a basic leaf the guest's CpuidCache answers (GuestRegisters says
; which) is answered here, counted, and the guest resumed, without the C# exit handlers. CPUID
; is the most frequent exit; its answers still come from Core's CpuidPolicy. The VMX-preemption
; timer counts only in guest mode, so the fast path keeps it to the run loop's schedule: an exit
; at or past RunLoopTsc goes to the run loop, any other resumes with the timer re-armed for the
; ticks left (TimerExit).
vmx_exit:
    push    rdi
    mov     rdi, [rsp + 8]
    push    rax
    push    rcx
    push    rdx
    mov     rax, EXIT_REASON
    vmread  rcx, rax
    cmp     ecx, EXIT_REASON_CPUID
    jne     .slow
    mov     eax, [rsp + 16]             ; the guest's EAX: the leaf
    cmp     eax, 31
    ja      .slow
    bt      dword [rdi + G_CPUID_FAST_MASK], eax
    jnc     .slow
    rdtsc
    shl     rdx, 32
    or      rax, rdx
    mov     rdx, [rdi + G_RUN_LOOP_TSC]
    sub     rdx, rax                    ; ticks left until the run loop's next look
    jbe     .slow
    mov     ecx, [rdi + G_PREEMPTION_TIMER_SHIFT]
    shr     rdx, cl
    mov     rax, VMX_PREEMPTION_TIMER_VALUE
    vmwrite rax, rdx
    mov     rcx, [rdi + G_EXIT_COUNTS]
    inc     qword [rcx + EXIT_REASON_CPUID * 8]
    mov     rax, GUEST_RIP
    vmread  rcx, rax
    mov     rax, EXIT_INSTRUCTION_LENGTH
    vmread  rdx, rax
    add     rcx, rdx
    mov     rax, GUEST_RIP
    vmwrite rax, rcx
    mov     eax, [rsp + 16]
    shl     eax, 4
    add     rax, [rdi + G_CPUID_TABLE]
    mov     ebx, [rax + 4]
    mov     ecx, [rax + 8]
    mov     edx, [rax + 12]
    mov     eax, [rax]
    add     rsp, 24                     ; the guest's RAX, RCX, RDX: CPUID replaced them
    pop     rdi
    vmresume
    jmp     vmx_run.failed              ; same stack as at VMRESUME in vmx_run
.slow:
    pop     rdx
    pop     rcx
    pop     rax
    mov     [rdi + G_RAX], rax
    mov     [rdi + G_RBX], rbx
    mov     [rdi + G_RCX], rcx
    mov     [rdi + G_RDX], rdx
    mov     [rdi + G_RSI], rsi
    mov     [rdi + G_RBP], rbp
    mov     [rdi + G_R8],  r8
    mov     [rdi + G_R9],  r9
    mov     [rdi + G_R10], r10
    mov     [rdi + G_R11], r11
    mov     [rdi + G_R12], r12
    mov     [rdi + G_R13], r13
    mov     [rdi + G_R14], r14
    mov     [rdi + G_R15], r15
    pop     rax
    mov     [rdi + G_RDI], rax
    mov     rax, cr2
    mov     [rdi + G_CR2], rax
    fxsave64 [rdi + G_FX]
    mov     rax, GUEST_RIP
    vmread  [rdi + G_RIP], rax
    mov     rax, EXIT_REASON
    vmread  [rdi + G_EXIT_REASON], rax
    mov     rax, EXIT_QUALIFICATION
    vmread  [rdi + G_EXIT_QUALIFICATION], rax
    mov     rax, EXIT_INSTRUCTION_LENGTH
    vmread  [rdi + G_EXIT_INSTRUCTION_LENGTH], rax
    mov     rax, IDT_VECTORING_INFORMATION
    vmread  [rdi + G_IDT_VECTORING], rax
    add     rsp, 8
    pop     r15
    pop     r14
    pop     r13
    pop     r12
    pop     rbp
    pop     rbx
    xor     eax, eax
    ret

; void cpu_xsetbv(uint index, ulong value)
FUNCTION cpu_xsetbv
    mov     ecx, edi
    mov     eax, esi
    mov     rdx, rsi
    shr     rdx, 32
    xsetbv
    ret
