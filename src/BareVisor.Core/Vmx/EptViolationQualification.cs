// Pure logic; no hardware. Exit qualification of an EPT-violation exit (Intel SDM Vol. 3C, table
// "Exit Qualification for EPT Violations"). Runs in VMX root; never allocates.
namespace BareVisor.Core.Vmx
{
    public readonly struct EptViolationQualification
    {
        public readonly ulong Value;

        public EptViolationQualification(ulong value) { Value = value; }

        /// <summary>Bit 0: the access was a data read.</summary>
        public bool Read => Bit(0);

        /// <summary>Bit 1: the access was a data write.</summary>
        public bool Write => Bit(1);

        /// <summary>Bit 2: the access was an instruction fetch.</summary>
        public bool Execute => Bit(2);

        /// <summary>Bit 3: the guest-physical address was readable (AND of bit 0 of the EPT entries walked).</summary>
        public bool Readable => Bit(3);

        /// <summary>Bit 4: the guest-physical address was writable.</summary>
        public bool Writable => Bit(4);

        /// <summary>Bit 5: the guest-physical address was executable (supervisor-mode, with mode-based execute control).</summary>
        public bool Executable => Bit(5);

        /// <summary>Bit 6: executable for user-mode linear addresses (mode-based execute control only).</summary>
        public bool UserModeExecutable => Bit(6);

        /// <summary>Bit 7: the guest-linear address field is valid.</summary>
        public bool GuestLinearAddressValid => Bit(7);

        /// <summary>Bit 8 (when bit 7 is set): the access was to the translated linear address (false: to a guest paging-structure entry).</summary>
        public bool TranslatedAccess => Bit(8);

        /// <summary>Bit 9 (advanced VM-exit information): the linear address is user-mode.</summary>
        public bool UserModeLinearAddress => Bit(9);

        /// <summary>Bit 10 (advanced VM-exit information): the linear address is read/write.</summary>
        public bool ReadWriteLinearAddress => Bit(10);

        /// <summary>Bit 11 (advanced VM-exit information): the linear address is execute-disable.</summary>
        public bool ExecuteDisableLinearAddress => Bit(11);

        /// <summary>Bit 12: NMI unblocking due to IRET.</summary>
        public bool NmiUnblockingDueToIret => Bit(12);

        /// <summary>Bit 13: the access was a shadow-stack access.</summary>
        public bool ShadowStackAccess => Bit(13);

        private bool Bit(int bit) => (Value & (1UL << bit)) != 0;
    }
}
