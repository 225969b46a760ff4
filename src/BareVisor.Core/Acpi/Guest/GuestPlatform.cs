// The fixed shape of the virtual PC BareVisor gives a guest, as its ACPI tables describe it: one
// processor, the local APIC and I/O APIC, the ISA interrupt overrides, the PCI host bridge's
// address windows and where the tables themselves go. Addresses, pins and ports that a device
// model owns come from it (PcPlatform, LocalApic, IoApic, AcpiPmDevice, I8042), so the tables
// cannot drift from the devices. Constants only; used at guest set-up.
using BareVisor.Core.Devices;
using BareVisor.Core.Loaders;

namespace BareVisor.Core.Acpi.Guest
{
    public static class GuestPlatform
    {
        /// <summary>
        /// Where the tables go: the start of the BIOS area [0xE0000, 0x100000) that Linux scans for
        /// the RSDP (on 16-byte boundaries) when the boot protocol does not hand it the address.
        /// </summary>
        public const ulong AcpiTablesAddress = GuestMemoryLayout.BiosAreaStart;
        public const ulong AcpiTablesEnd = GuestMemoryLayout.HighRamStart;

        public const uint LocalApicAddress = (uint)LocalApic.DefaultBase;
        public const byte ProcessorUid = 0;
        public const byte ProcessorApicId = 0;

        /// <summary>A Local APIC NMI structure with this processor UID applies to all processors.</summary>
        public const byte AllProcessorsUid = 0xFF;

        /// <summary>The LINT input NMIs arrive on, as on a PC (LINT0 is ExtINT from the 8259).</summary>
        public const byte NmiLint = 1;

        public const byte IoApicId = PcPlatform.IoApicId;
        public const uint IoApicAddress = (uint)IoApic.DefaultBase;
        public const uint IoApicGsiBase = 0;

        /// <summary>The 8254's IRQ 0 reaches I/O APIC pin 2, as on PCs with an I/O APIC.</summary>
        public const byte TimerIsaIrq = I8254Pit.Irq;
        public const uint TimerGsi = PcPlatform.TimerIoApicPin;

        /// <summary>The SCI: ISA IRQ 9, level-triggered and active high.</summary>
        public const byte SciIsaIrq = AcpiPmDevice.Irq;
        public const uint SciGsi = 9;

        /// <summary>The legacy VGA memory hole, a PCI memory window below 1 MiB.</summary>
        public const uint VgaWindowStart = 0xA0000;
        public const uint VgaWindowEnd = 0xBFFFF;

        /// <summary>The last byte of the PCI memory window that starts at the top of RAM below 4 GiB; the I/O APIC follows.</summary>
        public const uint PciMemoryWindowEnd = 0xFEBFFFFF;

        /// <summary>The value written to the reset register (the 8042's command port): its "pulse reset line" command.</summary>
        public const byte ResetValue = I8042.PulseResetCommand;
    }
}
