// The IDT: interrupt gates for the 32 CPU exceptions, pointing at the stubs in
// boot/interrupts.asm. One table shared by every CPU (the IST indexes pick each CPU's own
// stacks through its TSS). Initialize runs once on the BSP at boot; Load runs on each CPU,
// interrupts off, and does not allocate.
using BareVisor.Kernel.Memory;

namespace BareVisor.Kernel.Arch
{
    internal static unsafe class Idt
    {
        private const int Vectors = 256;
        private const int ExceptionVectors = 32;
        private const ulong InterruptGate = 0x8E;   // present, ring 0, 64-bit interrupt gate

        private static ulong* s_idt;

        internal static ulong Base => (ulong)s_idt;

        internal static void Initialize(ulong* stubs)
        {
            s_idt = (ulong*)KernelHeap.AllocateZeroed(Vectors * 16, 16);
            for (int vector = 0; vector < ExceptionVectors; vector++)
                SetGate(vector, stubs[vector], IstFor(vector));
            Load();
        }

        internal static void Load()
        {
            DescriptorTablePointer pointer;
            pointer.Limit = Vectors * 16 - 1;
            pointer.Base = (ulong)s_idt;
            Native.LoadIdt(&pointer);
        }

        private static int IstFor(int vector) => vector switch
        {
            2 => Gdt.NmiIst,
            8 => Gdt.DoubleFaultIst,
            18 => Gdt.MachineCheckIst,
            _ => 0,
        };

        private static void SetGate(int vector, ulong handler, int ist)
        {
            ulong* gate = s_idt + vector * 2;
            gate[0] = (handler & 0xFFFF) | ((ulong)Gdt.KernelCode << 16) | ((ulong)ist << 32)
                | (InterruptGate << 40) | ((handler >> 16 & 0xFFFF) << 48);
            gate[1] = handler >> 32;
        }
    }
}
