// CpuidPolicy's answers for one guest, computed once when the guest is created: CPUID is the most
// frequent exit of all, and the host's answers never change. Leaves whose answer depends on the
// subleaf or on guest state (XSAVE sizes follow XCR0, OSXSAVE follows CR4) are answered live.
// Lookups run in VMX root and never allocate.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BareVisor.Core.Cpu;

namespace BareVisor.Core.Vmx.Exits
{
    public sealed unsafe class CpuidCache
    {
        private const uint Entries = 32;
        private const uint Extended = 0x80000000;

        private readonly CpuidResult[] _basic = new CpuidResult[Entries];
        private readonly CpuidResult[] _extended = new CpuidResult[Entries];
        private readonly CpuidResult[] _hypervisor = new CpuidResult[2];

        public static CpuidCache Build<TPlatform>(ref TPlatform platform) where TPlatform : struct, IGuestPlatform
        {
            CpuidCache cache = new CpuidCache();
            for (uint i = 0; i < Entries; i++)
            {
                cache._basic[i] = CpuidPolicy.Apply(ref platform, i, 0, 1);
                cache._extended[i] = CpuidPolicy.Apply(ref platform, Extended + i, 0, 1);
            }
            cache._hypervisor[0] = CpuidPolicy.Apply(ref platform, CpuidPolicy.HypervisorBase, 0, 1);
            cache._hypervisor[1] = CpuidPolicy.Apply(ref platform, CpuidPolicy.HypervisorMaxLeaf, 0, 1);
            return cache;
        }

        // Where the exit stub's fast path finds the basic leaves (valid for the cache's lifetime:
        // nothing moves objects), and which of them it may answer.
        public ulong BasicTableAddress => (ulong)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_basic));

        public uint BasicFastMask
        {
            get
            {
                uint mask = 0;
                for (uint leaf = 0; leaf < Entries; leaf++)
                {
                    if (!DependsOnSubleafOrState(leaf))
                        mask |= 1u << (int)leaf;
                }
                return mask;
            }
        }

        // False for leaves that must be answered live.
        public bool TryGet(uint leaf, out CpuidResult result)
        {
            if (leaf < Entries && !DependsOnSubleafOrState(leaf))
            {
                result = _basic[leaf];
                return true;
            }
            if (leaf - Extended < Entries)
            {
                result = _extended[leaf - Extended];
                return true;
            }
            if (leaf - CpuidPolicy.HypervisorBase < 2)
            {
                result = _hypervisor[leaf - CpuidPolicy.HypervisorBase];
                return true;
            }
            result = default;
            return false;
        }

        // Leaf 1 (OSXSAVE), and the leaves with subleaves (Intel SDM Vol. 2A, CPUID).
        private static bool DependsOnSubleafOrState(uint leaf) =>
            leaf == 1 || leaf == 4 || leaf == 7 || leaf == 0xB || leaf == 0xD || leaf == 0xF || leaf == 0x10
            || leaf == 0x12 || leaf == 0x14 || leaf == 0x17 || leaf == 0x18 || leaf == 0x1D || leaf == 0x1F;
    }
}
