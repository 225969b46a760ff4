// A CPU's GDT: null, 64-bit code, data, and a TSS whose IST stacks give double faults, NMIs and
// machine checks a known-good stack (VM entry also requires a usable TR). One per CPU, in its
// PerCpu block: a TSS descriptor is marked busy by LTR, and IST stacks cannot be shared.
// Allocate runs on the BSP at boot (allocates); Load runs on the owning CPU, interrupts off, and
// does not allocate.
using System.Runtime.InteropServices;
using BareVisor.Kernel.Memory;

namespace BareVisor.Kernel.Arch
{
    internal unsafe struct Gdt
    {
        internal const ushort KernelCode = 0x08;
        internal const ushort KernelData = 0x10;
        internal const ushort TaskState = 0x18;

        internal const int DoubleFaultIst = 1;
        internal const int NmiIst = 2;
        internal const int MachineCheckIst = 3;
        private const int IstStackSize = 16 * 1024;
        private const int Entries = 5;

        private ulong* _table;
        private TaskStateSegment* _tss;

        internal ulong Base => (ulong)_table;

        internal ulong TssBase => (ulong)_tss;

        internal static Gdt Allocate()
        {
            Gdt gdt;
            gdt._table = (ulong*)KernelHeap.AllocateZeroed(Entries * 8, 16);
            gdt._tss = (TaskStateSegment*)KernelHeap.AllocateZeroed(sizeof(TaskStateSegment), 16);
            for (int ist = 1; ist <= 3; ist++)
                gdt._tss->SetIst(ist, (ulong)KernelHeap.AllocateZeroed(IstStackSize, 16) + IstStackSize);
            gdt._tss->IoMapBase = (ushort)sizeof(TaskStateSegment);

            gdt._table[0] = 0;
            gdt._table[1] = 0x00AF9A000000FFFF;    // code: present, ring 0, executable, long mode
            gdt._table[2] = 0x00CF92000000FFFF;    // data: present, ring 0, writable
            ulong tss = (ulong)gdt._tss;
            ulong limit = (ulong)sizeof(TaskStateSegment) - 1;
            gdt._table[3] = (limit & 0xFFFF) | ((tss & 0xFFFFFF) << 16) | (0x89UL << 40) | ((tss >> 24 & 0xFF) << 56);
            gdt._table[4] = tss >> 32;             // a 64-bit TSS descriptor takes two slots
            return gdt;
        }

        internal void Load()
        {
            DescriptorTablePointer pointer;
            pointer.Limit = Entries * 8 - 1;
            pointer.Base = (ulong)_table;
            Native.LoadGdt(&pointer);
            Native.LoadSegments(KernelCode, KernelData);
            Native.LoadTaskRegister(TaskState);
        }
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
