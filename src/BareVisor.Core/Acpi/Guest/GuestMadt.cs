// The guest's Multiple APIC Description Table (ACPI spec 5.2.12): one enabled processor, the I/O
// APIC, the two interrupt source overrides of a PC (the timer on GSI 2, the level-triggered SCI),
// and NMI on LINT1 of every processor. PCAT_COMPAT says the 8259 pair is there too. Runs at guest
// set-up.
namespace BareVisor.Core.Acpi.Guest
{
    internal static class GuestMadt
    {
        public const byte Revision = 5;

        public const uint PcatCompat = 1;                 // MADT flags
        public const uint ProcessorEnabled = 1;           // Local APIC flags

        // MPS INTI flags: polarity in bits 1:0, trigger mode in bits 3:2.
        public const ushort Conforming = 0x0;
        public const ushort ActiveHigh = 0x1;
        public const ushort LevelTriggered = 0xC;

        private const byte LocalApic = 0, IoApic = 1, InterruptSourceOverride = 2, LocalApicNmi = 4;
        private const byte IsaBus = 0;

        public static void Write(AcpiBlobWriter w)
        {
            int start = w.BeginTable("APIC", Revision);
            w.U32(GuestPlatform.LocalApicAddress);
            w.U32(PcatCompat);

            w.U8(LocalApic);
            w.U8(8);
            w.U8(GuestPlatform.ProcessorUid);
            w.U8(GuestPlatform.ProcessorApicId);
            w.U32(ProcessorEnabled);

            w.U8(IoApic);
            w.U8(12);
            w.U8(GuestPlatform.IoApicId);
            w.U8(0);
            w.U32(GuestPlatform.IoApicAddress);
            w.U32(GuestPlatform.IoApicGsiBase);

            Override(w, GuestPlatform.TimerIsaIrq, GuestPlatform.TimerGsi, Conforming);
            Override(w, GuestPlatform.SciIsaIrq, GuestPlatform.SciGsi, ActiveHigh | LevelTriggered);

            w.U8(LocalApicNmi);
            w.U8(6);
            w.U8(GuestPlatform.AllProcessorsUid);
            w.U16(Conforming);
            w.U8(GuestPlatform.NmiLint);
            w.EndTable(start);
        }

        private static void Override(AcpiBlobWriter w, byte isaIrq, uint gsi, ushort flags)
        {
            w.U8(InterruptSourceOverride);
            w.U8(10);
            w.U8(IsaBus);
            w.U8(isaIrq);
            w.U32(gsi);
            w.U16(flags);
        }
    }
}
