// Host test code. The AML encoder byte by byte (integers, names, PkgLength in one to three bytes,
// strings, EISA ids, buffers), its refusals, and a table of everything it can write, which iasl
// must disassemble and recompile to the same bytes.
using System;
using System.IO;
using BareVisor.Core.Acpi.Guest;
using BareVisor.Core.Tests.Fakes;

namespace BareVisor.Core.Tests.Acpi.Guest
{
    public class AmlEncoderTests
    {
        private static byte[] Encode(Action<AmlEncoder> write, int capacity = 256)
        {
            AmlEncoder aml = new AmlEncoder(capacity);
            write(aml);
            return aml.Bytes.ToArray();
        }

        [Theory]
        [InlineData(0UL, new byte[] { 0x00 })]
        [InlineData(1UL, new byte[] { 0x01 })]
        [InlineData(2UL, new byte[] { 0x0A, 0x02 })]
        [InlineData(0xFFUL, new byte[] { 0x0A, 0xFF })]
        [InlineData(0x100UL, new byte[] { 0x0B, 0x00, 0x01 })]
        [InlineData(0xFFFFUL, new byte[] { 0x0B, 0xFF, 0xFF })]
        [InlineData(0x10000UL, new byte[] { 0x0C, 0x00, 0x00, 0x01, 0x00 })]
        [InlineData(0xFEBFFFFFUL, new byte[] { 0x0C, 0xFF, 0xFF, 0xBF, 0xFE })]
        [InlineData(0x100000000UL, new byte[] { 0x0E, 0, 0, 0, 0, 1, 0, 0, 0 })]
        public void IntegersTakeTheirShortestForm(ulong value, byte[] expected) =>
            Assert.Equal(expected, Encode(aml => aml.Integer(value)));

        [Theory]
        [InlineData("_HID", new byte[] { 0x08, 0x5F, 0x48, 0x49, 0x44 })]
        [InlineData("_S5", new byte[] { 0x08, 0x5F, 0x53, 0x35, 0x5F })]
        [InlineData("\\_S5_", new byte[] { 0x08, 0x5C, 0x5F, 0x53, 0x35, 0x5F })]
        [InlineData("^FOO", new byte[] { 0x08, 0x5E, 0x46, 0x4F, 0x4F, 0x5F })]
        [InlineData("\\_SB_.PCI0", new byte[] { 0x08, 0x5C, 0x2E, 0x5F, 0x53, 0x42, 0x5F, 0x50, 0x43, 0x49, 0x30 })]
        [InlineData("_SB.PCI0.ISA", new byte[] { 0x08, 0x2F, 0x03, 0x5F, 0x53, 0x42, 0x5F, 0x50, 0x43, 0x49, 0x30, 0x49, 0x53, 0x41, 0x5F })]
        [InlineData("\\", new byte[] { 0x08, 0x5C, 0x00 })]
        public void NamesArePaddedSegmentsWithPrefixes(string name, byte[] expected) =>
            Assert.Equal(expected, Encode(aml => aml.Name(name)));

        [Theory]
        [InlineData("")]
        [InlineData("1ABC")]
        [InlineData("ABCDE")]
        [InlineData("_sb_")]
        [InlineData("_SB_..PCI0")]
        [InlineData("PCI0.")]
        public void BadNamesAreRefused(string name) =>
            Assert.Throws<ArgumentException>(() => new AmlEncoder(64).Name(name));

        [Fact]
        public void APackageOf61ZerosHasAOneBytePkgLength()
        {
            byte[] aml = Encode(a => Zeros(a, 61));
            Assert.Equal(64, aml.Length);
            Assert.Equal(new byte[] { 0x12, 0x3F, 61 }, aml.AsSpan(0, 3).ToArray()); // 63 bytes counted from PkgLength
        }

        [Fact]
        public void APackageOf62ZerosHasATwoBytePkgLength()
        {
            byte[] aml = Encode(a => Zeros(a, 62));
            Assert.Equal(66, aml.Length);
            Assert.Equal(new byte[] { 0x12, 0x41, 0x04, 62 }, aml.AsSpan(0, 4).ToArray()); // 65 = 0x41: low nibble 1, then 0x04
            Assert.All(aml.AsSpan(4).ToArray(), b => Assert.Equal(0, b));
        }

        private static void Zeros(AmlEncoder aml, int count)
        {
            aml.Package(count);
            for (int i = 0; i < count; i++)
                aml.Integer(0);
            aml.End();
        }

        [Fact]
        public void ABufferOf4091BytesHasAThreeBytePkgLength()
        {
            byte[] data = new byte[4091];
            data[0] = 0xAA;
            data[^1] = 0xBB;
            byte[] aml = Encode(a => a.Buffer(data), 8192);
            // 4097 = 0x1001: lead byte 0x80 | 1, then 0x00, 0x01; BufferSize 4091 as a word.
            Assert.Equal(new byte[] { 0x11, 0x81, 0x00, 0x01, 0x0B, 0xFB, 0x0F, 0xAA }, aml.AsSpan(0, 8).ToArray());
            Assert.Equal(1 + 3 + 3 + 4091, aml.Length);
            Assert.Equal(0xBB, aml[^1]);
        }

        [Fact]
        public void NestedTermsCountTheirContents()
        {
            byte[] aml = Encode(a =>
            {
                a.Scope("_SB_");
                a.Device("PCI0");
                a.Name("_UID");
                a.Integer(0);
                a.End();
                a.End();
            });
            byte[] expected =
            {
                0x10, 0x12, 0x5F, 0x53, 0x42, 0x5F,                        // Scope (_SB), 18 bytes from its PkgLength
                0x5B, 0x82, 0x0B, 0x50, 0x43, 0x49, 0x30,                  // Device (PCI0), 11 bytes
                0x08, 0x5F, 0x55, 0x49, 0x44, 0x00,                        // Name (_UID, Zero)
            };
            Assert.Equal(expected, aml);
        }

        [Fact]
        public void StringsAreNulTerminatedAscii()
        {
            Assert.Equal(new byte[] { 0x0D, 0x51, 0x45, 0x4D, 0x55, 0x00 }, Encode(a => a.String("QEMU")));
            Assert.Equal(new byte[] { 0x0D, 0x00 }, Encode(a => a.String("")));
            Assert.Throws<ArgumentException>(() => new AmlEncoder(16).String("caf\u00e9"));
        }

        [Theory]
        [InlineData("PNP0A03", 0x030AD041u)]
        [InlineData("PNP0501", 0x0105D041u)]
        [InlineData("PNP0C0F", 0x0F0CD041u)]
        [InlineData("ABC1234", 0x34124304u)]
        public void EisaIdsPackThreeLettersAndFourHexDigits(string id, uint expected)
        {
            Assert.Equal(expected, AmlEncoder.CompressEisaId(id));
            byte[] bytes = BitConverter.GetBytes(expected);
            Assert.Equal(new byte[] { 0x0C, bytes[0], bytes[1], bytes[2], bytes[3] }, Encode(a => a.EisaId(id)));
        }

        [Theory]
        [InlineData("PNP0A3")]
        [InlineData("pnp0A03")]
        [InlineData("PNP0a03")]
        [InlineData("PNP0G03")]
        public void BadEisaIdsAreRefused(string id) => Assert.Throws<ArgumentException>(() => AmlEncoder.CompressEisaId(id));

        [Fact]
        public void UnbalancedTermsAreRefused()
        {
            Assert.Throws<InvalidOperationException>(() => new AmlEncoder(16).End());
            AmlEncoder open = new AmlEncoder(64);
            open.Scope("_SB_");
            Assert.Throws<InvalidOperationException>(() => open.Bytes.Length);
            AmlEncoder deep = new AmlEncoder(256);
            for (int i = 0; i < AmlEncoder.MaxDepth; i++)
                deep.Package(1);
            Assert.Throws<InvalidOperationException>(() => deep.Package(1));
            Assert.Throws<InvalidOperationException>(() => new AmlEncoder(4).String("TOO LONG"));
            Assert.Throws<ArgumentOutOfRangeException>(() => new AmlEncoder(16).Package(256));
        }

        // One of everything the encoder writes. Names at the root carry no root prefix: iasl would
        // optimise it away when recompiling.
        private static byte[] Everything() => Encode(aml =>
        {
            aml.Name("_S5_");
            aml.Package(4);
            aml.Integer(5);
            aml.Integer(5);
            aml.Integer(0);
            aml.Integer(0);
            aml.End();
            aml.Scope("_SB_");
            aml.Device("PCI0");
            aml.Name("_HID");
            aml.EisaId("PNP0A03");
            aml.Name("DESC");
            aml.String("BareVisor host bridge");
            aml.Device("^DEV1");
            aml.Name("_ADR");
            aml.Integer(0x10000);
            aml.Device("SUB");
            aml.Name("_ADR");
            aml.Integer(1);
            aml.End();
            aml.End();
            aml.Name("BIG_");
            aml.Package(3);
            aml.Integer(0x123456789A);
            aml.Integer(0xFFFF);
            aml.Integer(0x100);
            aml.End();
            aml.Name("BUF_");
            aml.Buffer(new byte[300]);
            aml.End();
            aml.End();
            aml.Scope("_SB_.PCI0");
            aml.Name("LIST");
            aml.Package(80);
            for (int i = 0; i < 80; i++)
                aml.Integer((ulong)i);
            aml.End();
            aml.End();
            aml.Scope("_SB_.DEV1.SUB_");
            aml.Name("VAL_");
            aml.Integer(42);
            aml.End();
        }, 8192);

        [Fact]
        public void IaslReadsBackEverythingTheEncoderWrites()
        {
            byte[] aml = Everything();
            byte[] table = AcpiImage.Table("DSDT", aml, 2);
            using AcpicaTools tools = new AcpicaTools();
            File.WriteAllBytes(tools.PathOf("dsdt.dat"), table);
            (int exitCode, string output) = tools.Run("iasl", "-d", "dsdt.dat");
            Assert.True(exitCode == 0, output);
            string dsl = File.ReadAllText(tools.PathOf("dsdt.dsl"));
            foreach (string text in new[]
            {
                "Name (_S5, Package (0x04)", "Scope (_SB)", "Device (PCI0)", "EisaId (\"PNP0A03\")",
                "Name (DESC, \"BareVisor host bridge\")", "Device (^DEV1)", "Name (_ADR, 0x00010000)", "Device (SUB)",
                "0x000000123456789A", "0xFFFF", "0x0100", "Buffer (0x012C)", "Scope (_SB.PCI0)", "Name (LIST, Package (0x50)",
                "0x4F", "Scope (_SB.DEV1.SUB)", "Name (VAL, 0x2A)",
            })
                Assert.Contains(text, dsl);
            (exitCode, output) = tools.Run("iasl", "-p", "recompiled", "dsdt.dsl");
            Assert.True(exitCode == 0, output);
            Assert.True(output.Contains("0 Errors, 0 Warnings, 0 Remarks"), output);
            Assert.Equal(aml, File.ReadAllBytes(tools.PathOf("recompiled.aml")).AsSpan(36).ToArray());
        }
    }
}
