// One block per physical CPU, reached through that CPU's GS base (IA32_GS_BASE on the CPU, and
// HOST_GS_BASE in every VMCS it runs). The BSP allocates every CPU's block, with its stack, GDT,
// TSS and VMXON region, before the CPU starts: an AP needs no allocation to come up.
// boot/trampoline.asm reads StackTop and ApicId at the offsets below.
using System.Runtime.InteropServices;
using BareVisor.Kernel.Memory;

namespace BareVisor.Kernel.Arch
{
    [StructLayout(LayoutKind.Explicit)]
    internal unsafe struct PerCpu
    {
        private const uint Ia32GsBase = 0xC0000101;
        private const int ApStackSize = 32 * 1024;

        [FieldOffset(0)] public PerCpu* Self;           // gs:[0]
        [FieldOffset(8)] public ulong StackTop;         // trampoline.asm PERCPU_STACK_TOP
        [FieldOffset(16)] public uint ApicId;           // trampoline.asm PERCPU_APIC_ID
        [FieldOffset(20)] public int Index;             // 0 for the BSP, then in start order
        [FieldOffset(24)] public Gdt Gdt;
        [FieldOffset(40)] public ulong VmxonRegion;     // host physical; 0 until VmxRoot.Prepare
        [FieldOffset(48)] public ulong LoadedXcr0;      // what XSETBV last put in this CPU's XCR0
        [FieldOffset(56)] public volatile CpuState State;
        [FieldOffset(60)] public bool Osxsave;          // CR4.OSXSAVE is set on this CPU
        [FieldOffset(61)] public volatile bool Stopped; // halted for good by another CPU's panic

        // The block of the CPU this runs on. Only after Install on that CPU.
        internal static PerCpu* Current => Native.GsSelf();

        // On the BSP, at boot (may allocate): the block of a CPU, with its GDT and TSS; stackTop
        // 0 gives it a stack of its own (an AP), else it keeps the stack it runs on (the BSP's
        // boot stack, boot/entry.asm).
        internal static PerCpu* Allocate(int index, uint apicId, ulong stackTop)
        {
            PerCpu* cpu = (PerCpu*)KernelHeap.AllocateZeroed(sizeof(PerCpu), 64);
            cpu->Self = cpu;
            cpu->Index = index;
            cpu->ApicId = apicId;
            cpu->StackTop = stackTop != 0 ? stackTop : (ulong)KernelHeap.AllocateZeroed(ApStackSize, 16) + ApStackSize;
            cpu->Gdt = Gdt.Allocate();
            cpu->LoadedXcr0 = 1;
            return cpu;
        }

        // On the CPU that owns the block, interrupts off; does not allocate. The segment reloads
        // in Gdt.Load clear GS, so GS base is written after them.
        internal static void Install(PerCpu* cpu)
        {
            cpu->Gdt.Load();
            Native.TryWriteMsr(Ia32GsBase, (ulong)cpu);
        }
    }
}
