// Pure logic; no hardware. What the kernel learned from the ACPI tables.
using BareVisor.Core.Memory;

namespace BareVisor.Core.Acpi
{
    public sealed class AcpiInfo
    {
        /// <summary>RSDP Revision: 0 for ACPI 1.0 (RSDT only), 2 for ACPI 2.0+ (XSDT).</summary>
        public byte Revision;
        public string OemId;

        /// <summary>"XSDT" or "RSDT": which root table the table list came from.</summary>
        public string RootSignature;

        /// <summary>APIC IDs of enabled or online-capable processors (MADT types 0 and 9), without duplicates.</summary>
        public uint[] LocalApicIds;

        /// <summary>Per entry of LocalApicIds: the Enabled flag (running now, so it may be started); false for Online Capable only.</summary>
        public bool[] LocalApicEnabled;

        public HostPhysical LocalApicAddress;
        public MadtIoApic[] IoApics;

        public bool HasFadt;
        public FadtInfo Fadt;

        /// <summary>The DSDT has a \_S5_ package, so soft-off is SLP_TYPa/b with SLP_EN in PM1a/b_CNT.</summary>
        public bool HasS5;
        public ushort S5SleepTypeA;
        public ushort S5SleepTypeB;

        /// <summary>Signatures of all tables the XSDT/RSDT lists whose header could be read, in order.</summary>
        public string[] TableSignatures;

        /// <summary>Problems that did not stop parsing: bad checksums, unreadable tables, missing MADT.</summary>
        public string[] Warnings;
    }
}
