// Pure logic; no hardware. Exception vectors with the SDM's names (Intel SDM Vol. 3A, table
// "Protected-Mode Exceptions and Interrupts"), and which of them push an error code.
namespace BareVisor.Core.Vmx
{
    public static class ExceptionVectors
    {
        public const byte DivideError = 0;          // #DE
        public const byte Debug = 1;                // #DB
        public const byte Nmi = 2;
        public const byte Breakpoint = 3;           // #BP
        public const byte Overflow = 4;             // #OF
        public const byte BoundRangeExceeded = 5;   // #BR
        public const byte InvalidOpcode = 6;        // #UD
        public const byte DeviceNotAvailable = 7;   // #NM
        public const byte DoubleFault = 8;          // #DF
        public const byte InvalidTss = 10;          // #TS
        public const byte SegmentNotPresent = 11;   // #NP
        public const byte StackSegmentFault = 12;   // #SS
        public const byte GeneralProtection = 13;   // #GP
        public const byte PageFault = 14;           // #PF
        public const byte FloatingPointError = 16;  // #MF
        public const byte AlignmentCheck = 17;      // #AC
        public const byte MachineCheck = 18;        // #MC
        public const byte SimdFloatingPoint = 19;   // #XM
        public const byte Virtualization = 20;      // #VE
        public const byte ControlProtection = 21;   // #CP

        /// <summary>
        /// Whether the exception pushes an error code in protected mode: #DF, #TS, #NP, #SS, #GP, #PF,
        /// #AC and #CP. Injection sets "deliver error code" exactly for these (and only when the guest's CR0.PE is 1).
        /// </summary>
        public static bool PushesErrorCode(byte vector)
        {
            switch (vector)
            {
                case DoubleFault:
                case InvalidTss:
                case SegmentNotPresent:
                case StackSegmentFault:
                case GeneralProtection:
                case PageFault:
                case AlignmentCheck:
                case ControlProtection:
                    return true;
                default:
                    return false;
            }
        }
    }
}
