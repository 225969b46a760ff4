// ap_main: where boot/trampoline.asm hands an application processor over, in long mode on its
// own stack (PerCpu.StackTop), interrupts off. Loads the AP's GDT/TSS, the shared IDT and its GS
// base, enters VMX root, records how far it got in its PerCpu block for the BSP to report, and
// parks (interrupts off, HLT in a loop). Must not allocate or print: the heap, the page allocator
// and the console belong to the BSP until they are made SMP-safe.
using System.Runtime.InteropServices;
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.Vmx;

namespace BareVisor.Kernel.Smp
{
    internal static unsafe class ApEntry
    {
        [UnmanagedCallersOnly(EntryPoint = "ap_main")]
        private static void Main(PerCpu* cpu)
        {
            PerCpu.Install(cpu);
            Idt.Load();
            cpu->State = CpuState.LongMode;
            cpu->State = VmxRoot.EnterOnThisCpu(cpu);
            Native.HaltForever();
        }
    }
}
