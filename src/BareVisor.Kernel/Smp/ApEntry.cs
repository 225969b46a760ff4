// ap_main: where boot/trampoline.asm hands an application processor over, in long mode on its
// own stack (PerCpu.StackTop), interrupts off. Loads the AP's GDT/TSS, the shared IDT and its GS
// base, enters VMX root, records how far it got in its PerCpu block for the BSP to report, and
// parks (interrupts off, HLT in a loop; an NMI from a panicking CPU halts it for good). The heap,
// the page allocator and the console are safe here (Smp/Locks.cs), but nothing runs on an AP yet
// except the self-tests the command line asks for (SelfTest/SmpSelfTest.cs).
using System.Runtime.InteropServices;
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.SelfTest;
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
            if (cpu->State == CpuState.InVmxRoot)
                SmpSelfTest.OnAp(cpu);
            Native.HaltForever();
        }
    }
}
