// Host test code. The guest's ACPI tables read back: through the kernel's own parser (RSDP scan,
// XSDT, MADT, FADT, DSDT \_S5) and field by field where the parser does not look (the interrupt
// source overrides, the NMI entry, the FADT's PM blocks and flags, the FACS, the _CRS windows).
using System;
using System.Buffers.Binary;
using System.Text;
using BareVisor.Core.Acpi;
using BareVisor.Core.Acpi.Guest;
using BareVisor.Core.Boot;
using BareVisor.Core.Devices;
using BareVisor.Core.Memory;
using BareVisor.Core.Tests.Fakes;

namespace BareVisor.Core.Tests.Acpi.Guest
{
    public class GuestAcpiTablesTests
    {
        private const ulong Ram = 512UL << 20;

        private readonly GuestAcpiTables _tables = GuestAcpiTables.Build(GuestPlatform.AcpiTablesAddress, Ram);

        private ReadOnlySpan<byte> Table(ulong address)
        {
            int offset = (int)(address - _tables.Address);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(_tables.Blob.AsSpan(offset + 4));
            return _tables.Blob.AsSpan(offset, (int)length);
        }

        private static string Text(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);

        private AcpiInfo Parse()
        {
            FakePhysicalMemory mem = FakePhysicalMemory.With(_tables.Address, _tables.Blob);
            Assert.True(AcpiParser.TryParse(ref mem, new HostPhysical(_tables.RsdpAddress), out AcpiInfo info, out string error), error);
            Assert.Empty(info.Warnings);
            return info;
        }

        [Fact]
        public void TheBlobFitsTheBiosAreaWithTheRsdpFoundByAScan()
        {
            Assert.Equal(GuestPlatform.AcpiTablesAddress, _tables.RsdpAddress);
            Assert.True(_tables.Address + (ulong)_tables.Blob.Length <= GuestPlatform.AcpiTablesEnd);
            byte[] area = new byte[GuestPlatform.AcpiTablesEnd - GuestPlatform.AcpiTablesAddress];
            _tables.Blob.CopyTo(area, 0);
            Assert.True(Rsdp.TryFind(area, new HostPhysical(GuestPlatform.AcpiTablesAddress), out HostPhysical found));
            Assert.Equal(_tables.RsdpAddress, found.Value);
        }

        [Fact]
        public void TheRsdpIsRevision2WithTheXsdtOnlyAndBothChecksums()
        {
            ReadOnlySpan<byte> rsdp = _tables.Blob.AsSpan(0, Rsdp.Version2Size);
            Assert.Equal("RSD PTR ", Text(rsdp.Slice(0, 8)));
            Assert.Equal(0, AcpiChecksum.Sum(rsdp.Slice(0, Rsdp.Version1Size)));
            Assert.Equal(0, AcpiChecksum.Sum(rsdp));
            Assert.Equal("BAREVI", Text(rsdp.Slice(9, 6)));
            Assert.Equal(2, rsdp[15]);
            Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(rsdp.Slice(16)));
            Assert.Equal(36u, BinaryPrimitives.ReadUInt32LittleEndian(rsdp.Slice(20)));
            Assert.Equal(_tables.XsdtAddress, BinaryPrimitives.ReadUInt64LittleEndian(rsdp.Slice(24)));
        }

        [Fact]
        public void OurParserReadsTheWholeMachine()
        {
            AcpiInfo info = Parse();
            Assert.Equal(2, info.Revision);
            Assert.Equal("BAREVI", info.OemId);
            Assert.Equal("XSDT", info.RootSignature);
            Assert.Equal(new[] { "FACP", "APIC" }, info.TableSignatures);
            Assert.Equal(new uint[] { 0 }, info.LocalApicIds);
            Assert.Equal(0xFEE00000UL, info.LocalApicAddress.Value);
            MadtIoApic ioApic = Assert.Single(info.IoApics);
            Assert.Equal(0, ioApic.Id);
            Assert.Equal(0xFEC00000UL, ioApic.Address.Value);
            Assert.Equal(0u, ioApic.GsiBase);
            Assert.True(info.HasFadt);
            Assert.Equal(9, info.Fadt.SciInterrupt);
            Assert.Equal(0x604u, info.Fadt.Pm1aControlBlock);
            Assert.Equal(0u, info.Fadt.Pm1bControlBlock);
            Assert.Equal(0x608u, info.Fadt.PmTimerBlock);
            Assert.Equal(_tables.DsdtAddress, info.Fadt.Dsdt.Value);
            Assert.True(info.Fadt.HasResetRegister);
            Assert.Equal(GenericAddress.SystemIo, info.Fadt.ResetRegister.AddressSpace);
            Assert.Equal(8, info.Fadt.ResetRegister.BitWidth);
            Assert.Equal(0, info.Fadt.ResetRegister.BitOffset);
            Assert.Equal(0x64UL, info.Fadt.ResetRegister.Address);
            Assert.Equal(0xFE, info.Fadt.ResetValue);
            Assert.True(info.HasS5);
            Assert.Equal(AcpiPmDevice.SleepTypeS5, info.S5SleepTypeA);
            Assert.Equal(AcpiPmDevice.SleepTypeS5, info.S5SleepTypeB);
        }

        [Fact]
        public void EveryTableHasOurHeaderAndAValidChecksum()
        {
            foreach ((ulong address, string signature, byte revision) in new[]
            {
                (_tables.XsdtAddress, "XSDT", (byte)1), (_tables.FadtAddress, "FACP", (byte)6),
                (_tables.MadtAddress, "APIC", (byte)5), (_tables.DsdtAddress, "DSDT", (byte)2),
            })
            {
                ReadOnlySpan<byte> table = Table(address);
                Assert.Equal(signature, Text(table.Slice(0, 4)));
                Assert.Equal(revision, table[8]);
                Assert.Equal(0, AcpiChecksum.Sum(table));
                Assert.Equal("BAREVI", Text(table.Slice(10, 6)));
                Assert.Equal("BAREVISR", Text(table.Slice(16, 8)));
                Assert.Equal(0UL, address % 8);
            }
        }

        [Fact]
        public void TheXsdtListsTheFadtAndMadt()
        {
            ReadOnlySpan<byte> xsdt = Table(_tables.XsdtAddress);
            Assert.Equal(36 + 16, xsdt.Length);
            Assert.Equal(_tables.FadtAddress, BinaryPrimitives.ReadUInt64LittleEndian(xsdt.Slice(36)));
            Assert.Equal(_tables.MadtAddress, BinaryPrimitives.ReadUInt64LittleEndian(xsdt.Slice(44)));
        }

        [Fact]
        public void TheFacsIsEmptyVersion2On64Bytes()
        {
            Assert.Equal(0UL, _tables.FacsAddress % 64);
            ReadOnlySpan<byte> facs = _tables.Blob.AsSpan((int)(_tables.FacsAddress - _tables.Address), 64);
            Assert.Equal("FACS", Text(facs.Slice(0, 4)));
            Assert.Equal(64u, BinaryPrimitives.ReadUInt32LittleEndian(facs.Slice(4)));
            Assert.Equal(2, facs[32]);
            for (int i = 8; i < 64; i++)
            {
                if (i != 32)
                    Assert.Equal(0, facs[i]);
            }
        }

        [Fact]
        public void TheMadtHasTheProcessorIoApicOverridesAndNmi()
        {
            ReadOnlySpan<byte> madt = Table(_tables.MadtAddress);
            Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(madt.Slice(40))); // PCAT_COMPAT
            byte[] entries = madt.Slice(44).ToArray();
            byte[] expected =
            {
                0, 8, 0, 0, 1, 0, 0, 0,                         // processor UID 0, APIC ID 0, enabled
                1, 12, 0, 0, 0x00, 0x00, 0xC0, 0xFE, 0, 0, 0, 0, // I/O APIC 0 at 0xFEC00000, GSI base 0
                2, 10, 0, 0, 2, 0, 0, 0, 0x00, 0x00,            // ISA IRQ 0 -> GSI 2, bus-conforming
                2, 10, 0, 9, 9, 0, 0, 0, 0x0D, 0x00,            // ISA IRQ 9 -> GSI 9, active high, level
                4, 6, 0xFF, 0x00, 0x00, 1,                      // NMI on LINT1 of all processors
            };
            Assert.Equal(expected, entries);
        }

        [Fact]
        public void TheFadtDescribesThePmBlocksBothWays()
        {
            byte[] fadt = Table(_tables.FadtAddress).ToArray();
            Assert.Equal(276, fadt.Length);
            uint U32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(fadt.AsSpan(offset));
            ulong U64(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(fadt.AsSpan(offset));
            ushort U16(int offset) => BinaryPrimitives.ReadUInt16LittleEndian(fadt.AsSpan(offset));
            Assert.Equal(_tables.FacsAddress, U32(36));
            Assert.Equal(_tables.DsdtAddress, U32(40));
            Assert.Equal(_tables.FacsAddress, U64(132));
            Assert.Equal(_tables.DsdtAddress, U64(140));
            Assert.Equal(0, fadt[45]);                       // PM profile: unspecified
            Assert.Equal(0u, U32(48));                       // SMI_CMD: ACPI is always on
            Assert.Equal(0x600u, U32(56));                   // PM1a_EVT_BLK
            Assert.Equal(0x604u, U32(64));                   // PM1a_CNT_BLK
            Assert.Equal(0x608u, U32(76));                   // PM_TMR_BLK
            Assert.Equal(0u, U32(60) | U32(68) | U32(72) | U32(80) | U32(84)); // no PM1b, PM2 or GPE blocks
            Assert.Equal(new byte[] { 4, 2, 0, 4, 0, 0 }, fadt.AsSpan(88, 6).ToArray());
            Assert.True(U16(96) > 100);                      // no C2
            Assert.True(U16(98) > 1000);                     // no C3
            Assert.Equal(CmosRtc.Century, fadt[108]);
            Assert.Equal(0x0003, U16(109));                  // legacy devices, 8042
            uint flags = U32(112);
            Assert.Equal(0x475u, flags);                     // WBINVD, PROC_C1, no buttons, FIX_RTC, RESET_REG_SUP
            Assert.Equal(0u, flags & (1u << 8));             // TMR_VAL_EXT clear: a 24-bit timer
            Assert.Equal(0u, flags & (1u << 20));            // not hardware-reduced
            Assert.Equal(6, fadt[8]);
            Assert.Equal(3, fadt[131]);                      // FADT minor version: ACPI 6.3
            AssertGas(fadt.AsSpan(116), 1, 8, 1, 0x64);       // RESET_REG
            Assert.Equal(0xFE, fadt[128]);
            AssertGas(fadt.AsSpan(148), 1, 32, 2, 0x600);     // X_PM1a_EVT_BLK
            AssertGas(fadt.AsSpan(172), 1, 16, 2, 0x604);     // X_PM1a_CNT_BLK
            AssertGas(fadt.AsSpan(208), 1, 32, 3, 0x608);     // X_PM_TMR_BLK
            foreach (int absent in new[] { 160, 184, 196, 220, 232, 244, 256 })
                AssertGas(fadt.AsSpan(absent), 0, 0, 0, 0);
        }

        private static void AssertGas(ReadOnlySpan<byte> gas, byte space, byte bitWidth, byte accessSize, ulong address)
        {
            Assert.Equal(space, gas[0]);
            Assert.Equal(bitWidth, gas[1]);
            Assert.Equal(0, gas[2]);
            Assert.Equal(accessSize, gas[3]);
            Assert.Equal(address, BinaryPrimitives.ReadUInt64LittleEndian(gas.Slice(4)));
        }

        [Fact]
        public void TheDsdtNamesThePciRootBridge()
        {
            ReadOnlySpan<byte> aml = Table(_tables.DsdtAddress).Slice(36);
            string text = Encoding.Latin1.GetString(aml);
            Assert.Contains("_SB_", text);
            Assert.Contains("PCI0", text);
            byte[] hid = { 0x08, (byte)'_', (byte)'H', (byte)'I', (byte)'D', 0x0C, 0x41, 0xD0, 0x0A, 0x03 };
            Assert.True(aml.IndexOf(hid) >= 0, "Name (_HID, EisaId (\"PNP0A03\"))");
        }

        [Theory]
        [InlineData(512UL << 20, 0x20000000u)]
        [InlineData(3UL << 30, 0xC0000000u)]
        [InlineData(640UL << 10, 0x100000u)]     // less RAM than 1 MiB: the window still starts above the BIOS area
        public void ThePciMemoryWindowStartsAtTheTopOfRam(ulong ram, uint windowStart)
        {
            GuestAcpiTables tables = GuestAcpiTables.Build(GuestPlatform.AcpiTablesAddress, ram);
            int dsdt = (int)(tables.DsdtAddress - tables.Address);
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(tables.Blob.AsSpan(dsdt + 4));
            ReadOnlySpan<byte> aml = tables.Blob.AsSpan(dsdt + 36, length - 36);
            // DWordMemory: tag, length 23, memory, producer min/max fixed, non-cacheable read-write,
            // granularity 0, minimum, maximum, translation 0, length.
            byte[] window = { 0x87, 23, 0, 0, 0x0C, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
            BinaryPrimitives.WriteUInt32LittleEndian(window.AsSpan(10), windowStart);
            BinaryPrimitives.WriteUInt32LittleEndian(window.AsSpan(14), 0xFEBFFFFF);
            BinaryPrimitives.WriteUInt32LittleEndian(window.AsSpan(22), 0xFEBFFFFF - windowStart + 1);
            Assert.True(aml.IndexOf(window) >= 0, "DWordMemory window from the top of RAM to 0xFEBFFFFF");
        }

        [Fact]
        public void TheTablesFollowTheirAddress()
        {
            GuestAcpiTables moved = GuestAcpiTables.Build(0x7FF0010, Ram);
            Assert.Equal(0x7FF0010UL, moved.RsdpAddress);
            Assert.Equal(0UL, moved.FacsAddress % 64);
            FakePhysicalMemory mem = FakePhysicalMemory.With(moved.Address, moved.Blob);
            Assert.True(AcpiParser.TryParse(ref mem, new HostPhysical(moved.RsdpAddress), out AcpiInfo info, out string error), error);
            Assert.Empty(info.Warnings);
            Assert.Equal(moved.DsdtAddress, info.Fadt.Dsdt.Value);
            Assert.True(info.HasS5);
        }

        [Theory]
        [InlineData(0xE0008UL, Ram)]                  // not 16-byte aligned
        [InlineData(0xFFFFF000UL, Ram)]               // would cross 4 GiB
        [InlineData(0xE0000UL, 0xFEC00000UL)]         // RAM up to the I/O APIC leaves no PCI window
        public void ImpossibleLayoutsAreRefused(ulong address, ulong ram) =>
            Assert.Throws<ArgumentOutOfRangeException>(() => GuestAcpiTables.Build(address, ram));
    }
}
