// Host test code.
using System;
using BareVisor.Core.Acpi;
using BareVisor.Core.Memory;
using BareVisor.Core.Tests.Fakes;

namespace BareVisor.Core.Tests.Acpi
{
    public class AcpiParserTests
    {
        private const ulong RsdpAt = 0xF0000;
        private const ulong XsdtAt = 0x7FE0000;
        private const ulong RsdtAt = 0x7FE0800;
        private const ulong MadtAt = 0x7FE1000;
        private const ulong FadtAt = 0x7FE2000;
        private const ulong DsdtAt = 0x7FE3000;
        private const ulong HpetAt = 0x7FE4000;

        // Name(_S5_, Package(4) { 5, 5, 0, 0 }) after some unrelated AML.
        private static readonly byte[] S5Aml = { 0x10, 0x05, 0x5C, 0x5F, 0x53, 0x42, 0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x0A, 0x04, 0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00 };

        internal static byte[] Madt(bool withOverride = false)
        {
            ByteWriter w = new ByteWriter().U32(0xFEE00000).U32(1)
                .U8(0).U8(8).U8(0).U8(0).U32(1)          // CPU 0, APIC ID 0, enabled
                .U8(0).U8(8).U8(1).U8(2).U32(1)          // APIC ID 2, enabled
                .U8(0).U8(8).U8(2).U8(4).U32(0)          // APIC ID 4, disabled: not listed
                .U8(0).U8(8).U8(3).U8(6).U32(2)          // APIC ID 6, online capable
                .U8(1).U8(12).U8(8).U8(0).U32(0xFEC00000).U32(0)
                .U8(2).U8(10).U8(0).U8(0).U32(2).U16(0) // interrupt source override: ignored
                .U8(9).U8(16).U16(0).U32(0x100).U32(1).U32(10) // x2APIC ID 0x100
                .U8(9).U8(16).U16(0).U32(2).U32(1).U32(1);     // x2APIC duplicate of APIC ID 2
            if (withOverride)
                w.U8(5).U8(12).U16(0).U64(0x1_FEE0_0000UL);
            return AcpiImage.Table("APIC", w.ToArray(), 5);
        }

        /// <summary>An ACPI 6 FADT (276 bytes); fields patched at their table offsets.</summary>
        internal static byte[] Fadt(int length = 276, uint flags = 1u << 10, bool extended = true)
        {
            byte[] body = new byte[length - 36];
            void Put(int offset, ulong value, int size)
            {
                if (offset + size <= length)
                    for (int i = 0; i < size; i++) body[offset - 36 + i] = (byte)(value >> (8 * i));
            }
            Put(40, DsdtAt, 4);
            Put(46, 9, 2);                       // SCI_INT
            Put(64, 0x604, 4);                   // PM1a_CNT_BLK
            Put(68, 0, 4);
            Put(76, 0x608, 4);                   // PM_TMR_BLK
            Put(112, flags, 4);
            Put(116, 1, 1); Put(117, 8, 1); Put(118, 0, 1); Put(119, 1, 1); Put(120, 0xCF9, 8); // RESET_REG: I/O 0xCF9
            Put(128, 6, 1);                      // RESET_VALUE
            if (extended)
            {
                Put(140, DsdtAt, 8);                                  // X_DSDT
                Put(172, 1, 1); Put(173, 16, 1); Put(176, 0xB004, 8); // X_PM1a_CNT_BLK in I/O space
                Put(208, 1, 1); Put(209, 32, 1); Put(212, 0xB008, 8); // X_PM_TMR_BLK
            }
            return AcpiImage.Table("FACP", body, 6);
        }

        internal static FakePhysicalMemory Machine(byte[] madt = null, byte[] fadt = null, byte[] dsdt = null,
            byte[] rsdp = null, byte[] xsdt = null, byte[] rsdt = null)
        {
            FakePhysicalMemory mem = new FakePhysicalMemory();
            mem.Place(RsdpAt, rsdp ?? AcpiImage.Rsdp(2, (uint)RsdtAt, XsdtAt));
            mem.Place(XsdtAt, xsdt ?? AcpiImage.Xsdt(MadtAt, FadtAt, HpetAt));
            mem.Place(RsdtAt, rsdt ?? AcpiImage.Rsdt((uint)MadtAt, (uint)FadtAt));
            mem.Place(MadtAt, madt ?? Madt());
            mem.Place(FadtAt, fadt ?? Fadt());
            mem.Place(DsdtAt, dsdt ?? AcpiImage.Table("DSDT", S5Aml, 2));
            mem.Place(HpetAt, AcpiImage.Table("HPET", new byte[20]));
            return mem;
        }

        private static AcpiInfo ParseOk(FakePhysicalMemory mem)
        {
            Assert.True(AcpiParser.TryParse(ref mem, new HostPhysical(RsdpAt), out AcpiInfo info, out string error), error);
            return info;
        }

        private static string ParseError(FakePhysicalMemory mem)
        {
            Assert.False(AcpiParser.TryParse(ref mem, new HostPhysical(RsdpAt), out AcpiInfo info, out string error));
            Assert.Null(info);
            return error;
        }

        [Fact]
        public void ParsesAWholeMachineThroughTheXsdt()
        {
            AcpiInfo info = ParseOk(Machine());
            Assert.Equal(2, info.Revision);
            Assert.Equal("BVOEM", info.OemId);
            Assert.Equal("XSDT", info.RootSignature);
            Assert.Equal(new uint[] { 0, 2, 6, 0x100 }, info.LocalApicIds);
            Assert.Equal(new[] { true, true, false, true }, info.LocalApicEnabled);
            Assert.Equal(0xFEE00000UL, info.LocalApicAddress.Value);
            Assert.Single(info.IoApics);
            Assert.Equal(8, info.IoApics[0].Id);
            Assert.Equal(0xFEC00000UL, info.IoApics[0].Address.Value);
            Assert.Equal(0u, info.IoApics[0].GsiBase);
            Assert.Equal(new[] { "APIC", "FACP", "HPET" }, info.TableSignatures);
            Assert.Empty(info.Warnings);
        }

        [Fact]
        public void FadtPrefersExtendedFields()
        {
            AcpiInfo info = ParseOk(Machine());
            Assert.True(info.HasFadt);
            Assert.Equal(9, info.Fadt.SciInterrupt);
            Assert.Equal(0xB004u, info.Fadt.Pm1aControlBlock);
            Assert.Equal(0u, info.Fadt.Pm1bControlBlock);
            Assert.Equal(0xB008u, info.Fadt.PmTimerBlock);
            Assert.True(info.Fadt.HasResetRegister);
            Assert.Equal(GenericAddress.SystemIo, info.Fadt.ResetRegister.AddressSpace);
            Assert.Equal(8, info.Fadt.ResetRegister.BitWidth);
            Assert.Equal(1, info.Fadt.ResetRegister.AccessSize);
            Assert.Equal(0xCF9UL, info.Fadt.ResetRegister.Address);
            Assert.Equal(6, info.Fadt.ResetValue);
            Assert.Equal(DsdtAt, info.Fadt.Dsdt.Value);
        }

        [Fact]
        public void S5SleepTypesComeFromTheDsdt()
        {
            AcpiInfo info = ParseOk(Machine());
            Assert.True(info.HasS5);
            Assert.Equal(5, info.S5SleepTypeA);
            Assert.Equal(5, info.S5SleepTypeB);
        }

        [Fact]
        public void Acpi1FadtUsesLegacyFieldsAndHasNoResetRegister()
        {
            AcpiInfo info = ParseOk(Machine(fadt: Fadt(length: 116, extended: false)));
            Assert.Equal(0x604u, info.Fadt.Pm1aControlBlock);
            Assert.Equal(0x608u, info.Fadt.PmTimerBlock);
            Assert.False(info.Fadt.HasResetRegister);
            Assert.Equal(DsdtAt, info.Fadt.Dsdt.Value);
            Assert.True(info.HasS5);
        }

        [Fact]
        public void ResetRegisterNeedsTheFlag()
        {
            AcpiInfo info = ParseOk(Machine(fadt: Fadt(flags: 0)));
            Assert.False(info.Fadt.HasResetRegister);
        }

        [Fact]
        public void Revision0RsdpUsesTheRsdt()
        {
            AcpiInfo info = ParseOk(Machine(rsdp: AcpiImage.Rsdp(0, (uint)RsdtAt, 0)));
            Assert.Equal(0, info.Revision);
            Assert.Equal("RSDT", info.RootSignature);
            Assert.Equal(new[] { "APIC", "FACP" }, info.TableSignatures);
        }

        [Fact]
        public void Revision2WithoutXsdtAddressUsesTheRsdt()
        {
            AcpiInfo info = ParseOk(Machine(rsdp: AcpiImage.Rsdp(2, (uint)RsdtAt, 0)));
            Assert.Equal("RSDT", info.RootSignature);
        }

        [Fact]
        public void BadXsdtFallsBackToTheRsdtWithAWarning()
        {
            byte[] xsdt = AcpiImage.Xsdt(MadtAt);
            xsdt[40] ^= 1;
            AcpiInfo info = ParseOk(Machine(xsdt: xsdt));
            Assert.Equal("RSDT", info.RootSignature);
            Assert.Contains("acpi: XSDT at 0x7fe0000 has a bad checksum; using the RSDT", info.Warnings);
        }

        [Fact]
        public void BadXsdtWithoutRsdtIsAnError()
        {
            byte[] xsdt = AcpiImage.Xsdt(MadtAt);
            xsdt[40] ^= 1;
            Assert.Equal("acpi: XSDT at 0x7fe0000 has a bad checksum", ParseError(Machine(xsdt: xsdt, rsdp: AcpiImage.Rsdp(2, 0, XsdtAt))));
        }

        [Fact]
        public void RootWithTheWrongSignatureIsAnError()
        {
            Assert.Contains("should be RSDT but has signature FACP", ParseError(Machine(rsdp: AcpiImage.Rsdp(0, (uint)FadtAt, 0))));
        }

        [Fact]
        public void TableWithBadChecksumIsSkippedAndNamed()
        {
            byte[] madt = Madt();
            madt[50] ^= 0x40;
            AcpiInfo info = ParseOk(Machine(madt: madt));
            Assert.Empty(info.LocalApicIds);
            Assert.Empty(info.IoApics);
            Assert.Contains("acpi: APIC at 0x7fe1000 has a bad checksum; skipped", info.Warnings);
            Assert.Contains("acpi: no usable MADT (APIC): processor and I/O APIC lists are empty", info.Warnings);
            Assert.Contains("APIC", info.TableSignatures);
            Assert.True(info.HasFadt);
        }

        [Theory]
        [InlineData(0u)]
        [InlineData(35u)]
        [InlineData((16u << 20) + 1)]
        [InlineData(0xFFFF_FFFFu)]
        public void HostileTableLengthsAreWarnings(uint length)
        {
            byte[] madt = Madt();
            BitConverter.GetBytes(length).CopyTo(madt, 4);
            AcpiInfo info = ParseOk(Machine(madt: madt));
            Assert.Contains(info.Warnings, w => w.StartsWith("acpi: APIC at 0x7fe1000 has an impossible length of ", StringComparison.Ordinal));
            Assert.Empty(info.LocalApicIds);
        }

        [Fact]
        public void TableLongerThanReadableMemoryIsAWarning()
        {
            byte[] madt = Madt();
            BitConverter.GetBytes(madt.Length + 100).CopyTo(madt, 4);
            AcpiInfo info = ParseOk(Machine(madt: madt));
            Assert.Contains("acpi: table at 0x7fe1000 is unreadable; skipped", info.Warnings);
        }

        [Theory]
        [InlineData(0u)]
        [InlineData(35u)]
        [InlineData(0xFFFF_FFFFu)]
        public void HostileRootLengthIsAnError(uint length)
        {
            byte[] xsdt = AcpiImage.Xsdt(MadtAt);
            BitConverter.GetBytes(length).CopyTo(xsdt, 4);
            string error = ParseError(Machine(xsdt: xsdt, rsdp: AcpiImage.Rsdp(2, 0, XsdtAt)));
            Assert.StartsWith("acpi: XSDT at 0x7fe0000 has an impossible length", error);
        }

        [Fact]
        public void RsdpErrors()
        {
            byte[] badSignature = AcpiImage.Rsdp(2, (uint)RsdtAt, XsdtAt);
            badSignature[0] = (byte)'X';
            Assert.StartsWith("acpi: no RSDP signature", ParseError(Machine(rsdp: badSignature)));
            byte[] badChecksum = AcpiImage.Rsdp(0, (uint)RsdtAt, 0);
            badChecksum[16] ^= 1;
            Assert.Equal("acpi: RSDP at 0xf0000 has a bad checksum", ParseError(Machine(rsdp: badChecksum)));
            byte[] badExtended = AcpiImage.Rsdp(2, (uint)RsdtAt, XsdtAt);
            badExtended[24] ^= 1;
            Assert.Equal("acpi: RSDP at 0xf0000 has a bad extended checksum", ParseError(Machine(rsdp: badExtended)));
            Assert.Contains("gives no RSDT or XSDT", ParseError(Machine(rsdp: AcpiImage.Rsdp(0, 0, 0))));
        }

        [Fact]
        public void UnreadableRsdpIsAnError()
        {
            FakePhysicalMemory mem = new FakePhysicalMemory();
            Assert.False(AcpiParser.TryParse(ref mem, new HostPhysical(0x1234), out _, out string error));
            Assert.StartsWith("acpi: no RSDP signature", error);
        }

        [Fact]
        public void MissingMadtIsOnlyAWarning()
        {
            AcpiInfo info = ParseOk(Machine(xsdt: AcpiImage.Xsdt(FadtAt)));
            Assert.Empty(info.LocalApicIds);
            Assert.Single(info.Warnings);
        }

        [Fact]
        public void NullRootEntryIsAWarning()
        {
            AcpiInfo info = ParseOk(Machine(xsdt: AcpiImage.Xsdt(0, MadtAt, FadtAt)));
            Assert.Contains("acpi: the root table has a null entry; skipped", info.Warnings);
            Assert.Equal(4, info.LocalApicIds.Length);
        }

        [Fact]
        public void MadtEntryWithBadLengthStopsTheWalkWithAWarning()
        {
            byte[] body = new ByteWriter().U32(0xFEE00000).U32(1)
                .U8(0).U8(8).U8(0).U8(3).U32(1)
                .U8(0).U8(0).U8(1).U8(5).U32(1)    // length 0: would loop forever if trusted
                .ToArray();
            AcpiInfo info = ParseOk(Machine(madt: AcpiImage.Table("APIC", body)));
            Assert.Equal(new uint[] { 3 }, info.LocalApicIds);
            Assert.Contains("acpi: MADT entry type 0 at offset 0x34 has a bad length; rest of the MADT ignored", info.Warnings);
        }

        [Fact]
        public void LocalApicAddressOverrideWins()
        {
            AcpiInfo info = ParseOk(Machine(madt: Madt(withOverride: true)));
            Assert.Equal(0x1_FEE0_0000UL, info.LocalApicAddress.Value);
        }

        [Fact]
        public void DsdtWithoutS5IsAWarning()
        {
            AcpiInfo info = ParseOk(Machine(dsdt: AcpiImage.Table("DSDT", new byte[] { 1, 2, 3 })));
            Assert.False(info.HasS5);
            Assert.Contains("acpi: the DSDT has no \\_S5_ package; no ACPI power-off", info.Warnings);
        }

        [Fact]
        public void RandomCorruptionNeverThrows()
        {
            Random random = new Random(7);
            for (int round = 0; round < 1500; round++)
            {
                byte[] madt = Madt(withOverride: true);
                byte[] fadt = Fadt();
                byte[] dsdt = AcpiImage.Table("DSDT", S5Aml);
                byte[] xsdt = AcpiImage.Xsdt(MadtAt, FadtAt, HpetAt);
                byte[][] all = { madt, fadt, dsdt, xsdt };
                byte[] victim = all[random.Next(all.Length)];
                for (int i = 0; i < 1 + random.Next(3); i++)
                    victim[random.Next(victim.Length)] = (byte)random.Next(256);
                if (random.Next(2) == 0)
                    AcpiImage.FixChecksum(victim, 9, Math.Min(victim.Length, (int)Math.Min((uint)victim.Length, BitConverter.ToUInt32(victim, 4))));
                FakePhysicalMemory mem = Machine(madt: madt, fadt: fadt, dsdt: dsdt, xsdt: xsdt);
                bool ok = AcpiParser.TryParse(ref mem, new HostPhysical(RsdpAt), out AcpiInfo info, out string error);
                Assert.True(ok ? info != null && info.Warnings != null : !string.IsNullOrEmpty(error));
            }
        }
    }
}
