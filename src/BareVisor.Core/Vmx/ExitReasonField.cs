// Pure logic; no hardware. The 32-bit exit-reason VMCS field (Intel SDM Vol. 3C, "Basic VM-Exit
// Information"). Runs in VMX root; never allocates.
namespace BareVisor.Core.Vmx
{
    public readonly struct ExitReasonField
    {
        public readonly uint Value;

        public ExitReasonField(uint value) { Value = value; }

        /// <summary>Bits 15:0.</summary>
        public ExitReason BasicReason => (ExitReason)(ushort)Value;

        /// <summary>Bit 27: the exit was incident to enclave mode.</summary>
        public bool EnclaveMode => (Value & (1u << 27)) != 0;

        /// <summary>Bit 28: a pending MTF VM exit.</summary>
        public bool PendingMtfExit => (Value & (1u << 28)) != 0;

        /// <summary>Bit 29: the exit came from VMX root operation (SMM dual-monitor treatment).</summary>
        public bool FromVmxRootOperation => (Value & (1u << 29)) != 0;

        /// <summary>Bit 31: VM entry failed (the basic reason says why: invalid guest state, MSR loading, machine check).</summary>
        public bool EntryFailure => (Value & (1u << 31)) != 0;
    }
}
