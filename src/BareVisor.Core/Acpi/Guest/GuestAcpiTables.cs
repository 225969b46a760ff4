// Builds the ACPI tables a guest boots with, as one blob for one guest-physical address: the
// RSDP first (so a scan of 0xE0000-0xFFFFF finds it at the blob's start), then the FACS (64-byte
// aligned), DSDT, FADT, MADT and XSDT, each written after the tables it points to. What they
// describe is GuestPlatform's machine with the devices AcpiPmDevice, PciHostBridge and I8042.
// Runs at guest set-up; allocates.
using System;

namespace BareVisor.Core.Acpi.Guest
{
    public sealed class GuestAcpiTables
    {
        /// <summary>The most bytes the tables may take (they take under 1 KiB).</summary>
        public const int Capacity = 4096;

        public const int RsdpAlignment = 16;

        private const int TableAlignment = 8;

        private const ulong FourGiB = 0x100000000;

        private GuestAcpiTables(ulong address, byte[] blob, ulong facs, ulong dsdt, ulong fadt, ulong madt, ulong xsdt)
        {
            Address = address;
            Blob = blob;
            FacsAddress = facs;
            DsdtAddress = dsdt;
            FadtAddress = fadt;
            MadtAddress = madt;
            XsdtAddress = xsdt;
        }

        /// <summary>The guest-physical address the blob must be copied to.</summary>
        public ulong Address { get; }

        public byte[] Blob { get; }

        /// <summary>Where the RSDP is: the blob's first byte (for boot_params.acpi_rsdp_addr).</summary>
        public ulong RsdpAddress => Address;

        /// <summary>A copy of the RSDP alone (ACPI 2.0 form), for Multiboot2's ACPI tag.</summary>
        public byte[] Rsdp => new System.ReadOnlySpan<byte>(Blob, 0, Boot.Rsdp.Version2Size).ToArray();

        public ulong FacsAddress { get; }
        public ulong DsdtAddress { get; }
        public ulong FadtAddress { get; }
        public ulong MadtAddress { get; }
        public ulong XsdtAddress { get; }

        /// <param name="address">
        /// The blob's guest-physical address, 16-byte aligned; GuestPlatform.AcpiTablesAddress for a
        /// PC (the tables must then end below GuestPlatform.AcpiTablesEnd, which they do).
        /// </param>
        /// <param name="memoryBelow4G">The guest's RAM below 4 GiB in bytes: where the PCI memory window starts.</param>
        public static GuestAcpiTables Build(ulong address, ulong memoryBelow4G)
        {
            if (address % RsdpAlignment != 0 || address >= FourGiB - Capacity)
                throw new ArgumentOutOfRangeException(nameof(address), "guest ACPI tables need a 16-byte aligned address below 4 GiB");
            if (memoryBelow4G > GuestPlatform.PciMemoryWindowEnd)
                throw new ArgumentOutOfRangeException(nameof(memoryBelow4G), "guest RAM below 4 GiB must end below the I/O APIC");

            AcpiBlobWriter w = new AcpiBlobWriter(Capacity, address);
            w.Zeros(Boot.Rsdp.Version2Size);
            w.AlignTo(GuestFacs.Alignment);
            ulong facs = w.Address;
            GuestFacs.Write(w);
            ulong dsdt = w.Address;
            GuestDsdt.Write(w, memoryBelow4G);
            w.AlignTo(TableAlignment);
            ulong fadt = w.Address;
            GuestFadt.Write(w, (uint)facs, (uint)dsdt);
            w.AlignTo(TableAlignment);
            ulong madt = w.Address;
            GuestMadt.Write(w);
            w.AlignTo(TableAlignment);
            ulong xsdt = w.Address;
            GuestXsdt.Write(w, fadt, madt);
            int end = w.Position;
            w.Seek(0);
            GuestRsdp.Write(w, xsdt);
            w.Seek(end);
            return new GuestAcpiTables(address, w.ToArray(), facs, dsdt, fadt, madt, xsdt);
        }
    }
}
