// Pure logic; no hardware. The interruption-information format shared by the VM-entry
// interruption-information field (injection), the VM-exit interruption information and the
// IDT-vectoring information (Intel SDM Vol. 3C, "Information for VM Exits Due to Vectored Events"
// and "VM-Entry Controls for Event Injection"). Runs in VMX root; never allocates.
namespace BareVisor.Core.Vmx
{
    /// <summary>Bits 10:8.</summary>
    public enum InterruptionType
    {
        ExternalInterrupt = 0,
        Nmi = 2,
        HardwareException = 3,
        SoftwareInterrupt = 4,
        PrivilegedSoftwareException = 5,
        SoftwareException = 6,
        OtherEvent = 7,
    }

    public readonly struct InterruptionInformation
    {
        /// <summary>Bit 11: deliver error code (injection) / error code valid (exit).</summary>
        public const uint ErrorCodeBit = 1u << 11;

        /// <summary>Bit 12: NMI unblocking due to IRET (exit information; must be 0 when injecting).</summary>
        public const uint NmiUnblockingBit = 1u << 12;

        /// <summary>Bit 31: valid.</summary>
        public const uint ValidBit = 1u << 31;

        public readonly uint Value;

        public InterruptionInformation(uint value) { Value = value; }

        /// <summary>Bits 7:0.</summary>
        public byte Vector => (byte)Value;

        /// <summary>Bits 10:8.</summary>
        public InterruptionType Type => (InterruptionType)((Value >> 8) & 7);

        /// <summary>Bit 11: an error code is delivered (injection) or was pushed (exit); it is in the matching error-code field.</summary>
        public bool ErrorCodeValid => (Value & ErrorCodeBit) != 0;

        /// <summary>Bit 12 (exit information only): NMI unblocking due to IRET.</summary>
        public bool NmiUnblockingDueToIret => (Value & NmiUnblockingBit) != 0;

        /// <summary>Bit 31.</summary>
        public bool Valid => (Value & ValidBit) != 0;

        /// <summary>A valid event for injection.</summary>
        public static InterruptionInformation Create(byte vector, InterruptionType type, bool deliverErrorCode) =>
            new InterruptionInformation(vector | ((uint)type << 8) | (deliverErrorCode ? ErrorCodeBit : 0) | ValidBit);

        /// <summary>
        /// A hardware exception; delivers an error code when the vector pushes one and the guest is in
        /// protected mode (CR0.PE = 1). #BP and #OF from INT3/INTO are software exceptions instead.
        /// </summary>
        public static InterruptionInformation HardwareException(byte vector, bool protectedMode = true) =>
            Create(vector, InterruptionType.HardwareException, protectedMode && ExceptionVectors.PushesErrorCode(vector));

        public static InterruptionInformation ExternalInterrupt(byte vector) =>
            Create(vector, InterruptionType.ExternalInterrupt, false);

        public static InterruptionInformation Nmi() =>
            Create(ExceptionVectors.Nmi, InterruptionType.Nmi, false);

        /// <summary>INT n; the VM-entry instruction length must be set too.</summary>
        public static InterruptionInformation SoftwareInterrupt(byte vector) =>
            Create(vector, InterruptionType.SoftwareInterrupt, false);

        /// <summary>INT3 or INTO (#BP, #OF); the VM-entry instruction length must be set too.</summary>
        public static InterruptionInformation SoftwareException(byte vector) =>
            Create(vector, InterruptionType.SoftwareException, false);
    }
}
