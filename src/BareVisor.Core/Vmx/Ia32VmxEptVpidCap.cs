// Pure logic; no hardware. IA32_VMX_EPT_VPID_CAP (MSR 0x48C): what EPT and VPID support the CPU
// has (Intel SDM Vol. 3D, A.10). Exists when the secondary controls allow EPT or VPID.
using BareVisor.Core.Cpu;

namespace BareVisor.Core.Vmx
{
    public readonly struct Ia32VmxEptVpidCap
    {
        public const uint Index = Msr.Ia32VmxEptVpidCap;

        public readonly ulong Value;

        public Ia32VmxEptVpidCap(ulong value) { Value = value; }

        /// <summary>Bit 0: EPT entries may allow execute without read.</summary>
        public bool ExecuteOnly => Bit(0);

        /// <summary>Bit 6: 4-level EPT page walks.</summary>
        public bool PageWalkLength4 => Bit(6);

        /// <summary>Bit 8: the EPTP may use the uncacheable type for the paging structures.</summary>
        public bool UncacheableEptp => Bit(8);

        /// <summary>Bit 14: the EPTP may use the write-back type for the paging structures.</summary>
        public bool WriteBackEptp => Bit(14);

        /// <summary>Bit 16: EPT PDEs may map 2 MiB pages.</summary>
        public bool Pde2MiBPages => Bit(16);

        /// <summary>Bit 17: EPT PDPTEs may map 1 GiB pages.</summary>
        public bool Pdpte1GiBPages => Bit(17);

        /// <summary>Bit 20: INVEPT is supported.</summary>
        public bool Invept => Bit(20);

        /// <summary>Bit 21: accessed and dirty flags for EPT.</summary>
        public bool AccessedDirtyFlags => Bit(21);

        /// <summary>Bit 22: advanced VM-exit information for EPT violations.</summary>
        public bool AdvancedExitInformation => Bit(22);

        /// <summary>Bit 25: single-context INVEPT.</summary>
        public bool InveptSingleContext => Bit(25);

        /// <summary>Bit 26: all-context INVEPT.</summary>
        public bool InveptAllContext => Bit(26);

        /// <summary>Bit 32: INVVPID is supported.</summary>
        public bool Invvpid => Bit(32);

        /// <summary>Bit 40: individual-address INVVPID.</summary>
        public bool InvvpidIndividualAddress => Bit(40);

        /// <summary>Bit 41: single-context INVVPID.</summary>
        public bool InvvpidSingleContext => Bit(41);

        /// <summary>Bit 42: all-context INVVPID.</summary>
        public bool InvvpidAllContext => Bit(42);

        /// <summary>Bit 43: single-context-retaining-globals INVVPID.</summary>
        public bool InvvpidSingleContextRetainingGlobals => Bit(43);

        private bool Bit(int bit) => (Value & (1UL << bit)) != 0;
    }
}
