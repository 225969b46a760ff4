// The fixed shape of the virtual PC BareVisor gives a guest, as its ACPI tables describe it: one
// processor, the local APIC and I/O APIC, the ISA interrupt overrides, the PCI host bridge's
// address windows and where the tables themselves go. The ports of the PM registers, the PCI
// configuration mechanism and the reset register belong to their devices (AcpiPmDevice,
// PciHostBridge, I8042). Constants only; used at guest set-up.
using BareVisor.Core.Devices;

namespace BareVisor.Core.Acpi.Guest
{
    public static class GuestPlatform
    {
        /// <summary>
        /// Where the tables go: the start of the BIOS area [0xE0000, 0x100000) that Linux scans for
        /// the RSDP (on 16-byte boundaries) when the boot protocol does not hand it the address.
        /// </summary>
        public const ulong AcpiTablesAddress = 0xE0000;
        public const ulong AcpiTablesEnd = 0x100000;

        public const uint LocalApicAddress = 0xFEE00000;
        public const byte ProcessorUid = 0;
        public const byte ProcessorApicId = 0;

        /// <summary>A Local APIC NMI structure with this processor UID applies to all processors.</summary>
        public const byte AllProcessorsUid = 0xFF;

        /// <summary>The LINT input NMIs arrive on, as on a PC (LINT0 is ExtINT from the 8259).</summary>
        public const byte NmiLint = 1;

        public const byte IoApicId = 0;
        public const uint IoApicAddress = 0xFEC00000;
        public const uint IoApicGsiBase = 0;

        /// <summary>The I/O APIC's inputs, GSIs 0-23 (the guest reads the count from its version register, not from the MADT).</summary>
        public const int IoApicPins = 24;

        /// <summary>The 8254's IRQ 0 reaches I/O APIC pin 2, as on PCs with an I/O APIC.</summary>
        public const byte TimerIsaIrq = 0;
        public const uint TimerGsi = 2;

        /// <summary>The SCI: ISA IRQ 9, level-triggered and active high.</summary>
        public const byte SciIsaIrq = AcpiPmDevice.Irq;
        public const uint SciGsi = 9;

        /// <summary>The legacy VGA memory hole, a PCI memory window below 1 MiB.</summary>
        public const uint VgaWindowStart = 0xA0000;
        public const uint VgaWindowEnd = 0xBFFFF;

        /// <summary>The last byte of the PCI memory window that starts at the top of RAM below 4 GiB; the I/O APIC follows.</summary>
        public const uint PciMemoryWindowEnd = 0xFEBFFFFF;

        /// <summary>The value written to the reset register (the 8042's command port): its "pulse reset line" command.</summary>
        public const byte ResetValue = 0xFE;
    }
}
