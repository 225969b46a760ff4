// The kernel's GDT: null, 64-bit code, data, and a TSS whose IST stacks give double faults,
// NMIs and machine checks a known-good stack (VM entry also requires a usable TR).
// Runs once at boot, interrupts off.
using System.Runtime.InteropServices;
using BareVisor.Kernel.Memory;

namespace BareVisor.Kernel.Arch
{
    internal static unsafe class Gdt
    {
        internal const ushort KernelCode = 0x08;
        internal const ushort KernelData = 0x10;
        internal const ushort TaskState = 0x18;

        internal const int DoubleFaultIst = 1;
        internal const int NmiIst = 2;
        internal const int MachineCheckIst = 3;
        private const int IstStackSize = 16 * 1024;

        private static ulong* s_gdt;
        private static TaskStateSegment* s_tss;

        internal static void Initialize()
        {
            s_gdt = (ulong*)KernelHeap.AllocateZeroed(8 * 8, 16);
            s_tss = (TaskStateSegment*)KernelHeap.AllocateZeroed(sizeof(TaskStateSegment), 16);
            for (int ist = 1; ist <= 3; ist++)
                s_tss->SetIst(ist, (ulong)KernelHeap.AllocateZeroed(IstStackSize, 16) + IstStackSize);
            s_tss->IoMapBase = (ushort)sizeof(TaskStateSegment);

            s_gdt[0] = 0;
            s_gdt[1] = 0x00AF9A000000FFFF;    // code: present, ring 0, executable, long mode
            s_gdt[2] = 0x00CF92000000FFFF;    // data: present, ring 0, writable
            ulong tss = (ulong)s_tss;
            ulong limit = (ulong)sizeof(TaskStateSegment) - 1;
            s_gdt[3] = (limit & 0xFFFF) | ((tss & 0xFFFFFF) << 16) | (0x89UL << 40) | ((tss >> 24 & 0xFF) << 56);
            s_gdt[4] = tss >> 32;             // a 64-bit TSS descriptor takes two slots

            DescriptorTablePointer pointer;
            pointer.Limit = 5 * 8 - 1;
            pointer.Base = (ulong)s_gdt;
            Native.LoadGdt(&pointer);
            Native.LoadSegments(KernelCode, KernelData);
            Native.LoadTaskRegister(TaskState);
        }

        internal static ulong Base => (ulong)s_gdt;

        internal static ulong TssBase => (ulong)s_tss;
    }

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    internal unsafe struct TaskStateSegment
    {
        private uint _reserved0;
        private fixed ulong _rsp[3];
        private ulong _reserved1;
        private fixed ulong _ist[7];
        private ulong _reserved2;
        private ushort _reserved3;
        public ushort IoMapBase;

        public void SetIst(int index, ulong stackTop) => _ist[index - 1] = stackTop;
    }

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    internal struct DescriptorTablePointer
    {
        public ushort Limit;
        public ulong Base;
    }
}
