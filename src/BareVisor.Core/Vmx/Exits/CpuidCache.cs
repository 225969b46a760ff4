// CpuidPolicy's answers for one guest, computed once when the guest is created: CPUID is the most
// frequent exit of all, and the host's answers never change. Answered live instead: the leaves
// whose answer depends on the subleaf in ECX, the ones that follow guest state (leaf 1's OSXSAVE
// follows CR4, leaf 0xD's sizes follow XCR0), and leaves above the highest one the guest is told
// of (a CPU answers those with its highest basic leaf, which may itself depend on ECX).
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

        // Leaves whose output depends on ECX: Intel SDM Vol. 2A, CPUID (Table 3-8), and AMD64 APM
        // Vol. 3, Appendix E, for the extended ones.
        private static readonly uint[] s_subleafIndexed =
        {
            0x4, 0x7, 0xB, 0xD, 0xF, 0x10, 0x12, 0x14, 0x17, 0x18, 0x1B, 0x1D, 0x1E, 0x1F, 0x20, 0x23, 0x24,
            0x8000001D, 0x80000020, 0x80000026,
        };

        private readonly CpuidResult[] _basic = new CpuidResult[Entries];
        private readonly CpuidResult[] _extended = new CpuidResult[Entries];
        private readonly CpuidResult[] _hypervisor = new CpuidResult[2];
        private uint _basicMax, _extendedMax;

        public static CpuidCache Build<TPlatform>(ref TPlatform platform) where TPlatform : struct, IGuestPlatform
        {
            CpuidCache cache = new CpuidCache();
            for (uint i = 0; i < Entries; i++)
            {
                cache._basic[i] = CpuidPolicy.Apply(ref platform, i, 0, 1);
                cache._extended[i] = CpuidPolicy.Apply(ref platform, Extended + i, 0, 1);
            }
            cache._basicMax = cache._basic[0].Eax;
            cache._extendedMax = cache._extended[0].Eax;
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
                    if (IsCached(leaf))
                        mask |= 1u << (int)leaf;
                }
                return mask;
            }
        }

        // False for leaves that must be answered live.
        public bool TryGet(uint leaf, out CpuidResult result)
        {
            if (IsCached(leaf))
            {
                result = leaf < Extended ? _basic[leaf] : _extended[leaf - Extended];
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

        private bool IsCached(uint leaf)
        {
            bool inTable = leaf < Entries ? leaf <= _basicMax : leaf - Extended < Entries && leaf <= _extendedMax;
            return inTable && leaf != 1 && !IsSubleafIndexed(leaf);
        }

        private static bool IsSubleafIndexed(uint leaf)
        {
            foreach (uint indexed in s_subleafIndexed)
            {
                if (leaf == indexed)
                    return true;
            }
            return false;
        }
    }
}
