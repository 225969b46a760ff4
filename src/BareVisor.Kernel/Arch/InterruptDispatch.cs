// kernel_interrupt: every vector the stubs in boot/interrupts.asm catch arrives here, interrupts
// off, on the interrupted stack (or an IST stack). A #GP at a known *_safe accessor resumes at its
// recovery point; an NMI while another CPU panics halts this one for good (Panic); every other
// exception in the kernel is fatal.
using System.Runtime.InteropServices;
using BareVisor.Kernel.Diagnostics;

namespace BareVisor.Kernel.Arch
{
    internal static unsafe class InterruptDispatch
    {
        private static ulong* s_fixups;
        private static ulong s_fixupCount;

        internal static void Initialize(in KernelLayout layout)
        {
            s_fixups = (ulong*)layout.FaultFixupTable;
            s_fixupCount = layout.FaultFixupCount;
        }

        [UnmanagedCallersOnly(EntryPoint = "kernel_interrupt")]
        private static void OnInterrupt(InterruptFrame* frame)
        {
            if (frame->Vector == CpuExceptions.GeneralProtection && TryFixup(frame))
                return;
            if (frame->Vector == CpuExceptions.Nmi)
                Panic.StopIfAnotherCpuPanics();
            Panic.CpuException(frame);
        }

        private static bool TryFixup(InterruptFrame* frame)
        {
            for (ulong i = 0; i < s_fixupCount; i++)
            {
                if (s_fixups[i * 2] == frame->Rip)
                {
                    frame->Rip = s_fixups[i * 2 + 1];
                    return true;
                }
            }
            return false;
        }
    }
}
