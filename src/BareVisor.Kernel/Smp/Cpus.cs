// The CPUs BareVisor uses, in index order: the BSP (index 0), then each AP that reached VMX root,
// in the order they started. Written by the BSP at boot only; read-only afterwards.
using BareVisor.Kernel.Arch;

namespace BareVisor.Kernel.Smp
{
    internal static unsafe class Cpus
    {
        // xAPIC IDs are 8 bits; more CPUs than that means x2APIC machines BareVisor has not met.
        internal const int Limit = 256;

        private static ulong[] s_blocks;

        internal static int Count { get; private set; }

        internal static PerCpu* Boot => (PerCpu*)s_blocks[0];

        internal static PerCpu* Get(int index) => (PerCpu*)s_blocks[index];

        // Early in kmain, before the IDT: the BSP's block, which keeps the boot stack it runs on
        // (boot/entry.asm), its GDT/TSS loaded and GS base pointing at it.
        internal static void InitializeBoot(in KernelLayout layout)
        {
            s_blocks = new ulong[Limit];
            PerCpu* bsp = PerCpu.Allocate(0, ApicIdOfThisCpu(), layout.BootStackTop);
            PerCpu.Install(bsp);
            Add(bsp);
        }

        internal static void Add(PerCpu* cpu)
        {
            if (Count < Limit)
                s_blocks[Count++] = (ulong)cpu;
        }

        // CPUID leaf 0xB gives the x2APIC ID when the CPU implements it; else leaf 1 EBX[31:24]. The
        // same rule boot/trampoline.asm applies on each AP.
        private static uint ApicIdOfThisCpu()
        {
            X86Cpu cpu = default;
            if (cpu.Cpuid(0, 0).Eax >= 0xB)
            {
                var topology = cpu.Cpuid(0xB, 0);
                if (topology.Ebx != 0)
                    return topology.Edx;
            }
            return cpu.Cpuid(1, 0).Ebx >> 24;
        }
    }
}
