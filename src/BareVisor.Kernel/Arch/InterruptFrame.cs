// The stack layout boot/interrupts.asm builds before calling kernel_interrupt: general registers
// in reverse push order, then the vector and error code, then what the CPU pushed.
using System.Runtime.InteropServices;

namespace BareVisor.Kernel.Arch
{
    [StructLayout(LayoutKind.Sequential)]
    internal struct InterruptFrame
    {
        public ulong R15, R14, R13, R12, R11, R10, R9, R8;
        public ulong Rbp, Rdi, Rsi, Rdx, Rcx, Rbx, Rax;
        public ulong Vector, ErrorCode;
        public ulong Rip, Cs, Rflags, Rsp, Ss;
    }
}
