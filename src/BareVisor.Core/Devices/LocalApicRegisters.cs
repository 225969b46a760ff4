// The local APIC's register numbers and bit fields (Intel SDM vol. 3, "Advanced Programmable
// Interrupt Controller"). A register's number is its xAPIC page offset divided by 16, which is
// also its x2APIC MSR minus 0x800. Data only; used by LocalApic in VMX root.
namespace BareVisor.Core.Devices
{
    internal static class LocalApicRegisters
    {
        public const int Id = 0x02;
        public const int Version = 0x03;
        public const int TaskPriority = 0x08;
        public const int ArbitrationPriority = 0x09;     // xAPIC only
        public const int ProcessorPriority = 0x0A;
        public const int Eoi = 0x0B;
        public const int LogicalDestination = 0x0D;
        public const int DestinationFormat = 0x0E;       // xAPIC only
        public const int SpuriousInterruptVector = 0x0F;
        public const int InService = 0x10;               // 8 registers
        public const int TriggerMode = 0x18;             // 8 registers
        public const int InterruptRequest = 0x20;        // 8 registers
        public const int ErrorStatus = 0x28;
        public const int InterruptCommand = 0x30;        // x2APIC: all 64 bits
        public const int InterruptCommandHigh = 0x31;    // xAPIC only
        public const int LvtTimer = 0x32;
        public const int LvtError = 0x37;                // LVT timer, thermal, performance, LINT0, LINT1, error
        public const int InitialCount = 0x38;
        public const int CurrentCount = 0x39;
        public const int DivideConfiguration = 0x3E;
        public const int SelfIpi = 0x3F;                 // x2APIC only

        // Indexes into the LVT, in register order.
        public const int Timer = 0, Thermal = 1, PerformanceCounter = 2, Lint0 = 3, Lint1 = 4, Error = 5;
        public const int LvtCount = 6;

        // The version register: version 0x14, highest LVT entry 5 (no CMCI), no EOI-broadcast suppression.
        public const uint VersionValue = 0x00050014;

        // LVT entry and ICR fields.
        public const uint Masked = 1u << 16;
        public const int DeliveryModeShift = 8;
        public const uint DeliveryModeFixed = 0, DeliveryModeExtInt = 7;
        public const uint LogicalDestinationMode = 1u << 11;
        public const uint LevelTriggered = 1u << 15;
        public const int TimerModeShift = 17;
        public const int DestinationShorthandShift = 18;
        public const uint ShorthandNone = 0, ShorthandSelf = 1, ShorthandAllIncludingSelf = 2;

        // The bits the guest may change in each LVT entry (delivery status and remote IRR are read-only).
        public const uint TimerWritable = 0x000700FF;       // vector, mask, timer mode
        public const uint LocalWritable = 0x000107FF;       // thermal, performance: vector, delivery mode, mask
        public const uint LintWritable = 0x0001A7FF;        // + polarity and trigger mode
        public const uint ErrorWritable = 0x000100FF;
        public const uint InterruptCommandWritable = 0x000CCFFF; // all but delivery status and reserved bits

        public const uint SpuriousWritable = 0x3FF;         // vector, APIC software enable, focus processor checking
        public const uint SoftwareEnable = 1u << 8;

        // Error status bits.
        public const uint SendIllegalVector = 1u << 5;
        public const uint ReceivedIllegalVector = 1u << 6;

        public static uint LvtWritable(int lvt) =>
            lvt == Timer ? TimerWritable : lvt == Error ? ErrorWritable : lvt >= Lint0 ? LintWritable : LocalWritable;
    }
}
