// Host test code. The guest's ACPI tables checked by ACPICA, the reference implementation Linux
// embeds: iasl disassembles every table without complaint and recompiles the DSDT to the same
// AML; acpiexec loads the tables (running the same FADT checks Linux runs at boot), evaluates
// \_S5 and \_SB.PCI0._HID and decodes _CRS with the resource manager Linux uses.
using System;
using System.IO;
using System.Text.RegularExpressions;
using BareVisor.Core.Acpi.Guest;

namespace BareVisor.Core.Tests.Acpi.Guest
{
    public class AcpicaToolTests
    {
        private static readonly GuestAcpiTables s_tables = GuestAcpiTables.Build(GuestPlatform.AcpiTablesAddress, 512UL << 20);

        // Lines in which ACPICA reports a problem with the tables ("ACPI Warning", "Firmware
        // Warning (ACPI)", "ACPI BIOS Error (bug)", "ACPI Exception", "... failed: AE_...").
        private static readonly Regex s_problem = new Regex(@"\b(warning|error|exception|bug|failed)\b", RegexOptions.IgnoreCase);

        private static void AssertNoProblems(string output)
        {
            foreach (string line in output.Split('\n'))
            {
                // acpiexec's built-in interface self-tests install GPE handlers and poke PM2's
                // ARB_DIS, assuming its own default FADT; this machine has no GPE or PM2 block.
                if (line.StartsWith("Unexpected AE_", StringComparison.Ordinal) && line.Contains("(aetests-"))
                    continue;
                Assert.False(s_problem.IsMatch(line), "ACPICA reported: " + line + "\n" + output);
            }
        }

        [Theory]
        [InlineData("dsdt", "DefinitionBlock (\"\", \"DSDT\", 2, \"BAREVI\", \"BAREVISR\", 0x00000001)")]
        [InlineData("facp", "Reset Register Supported (V2) : 1")]
        [InlineData("apic", "Interrupt Source Override")]
        [InlineData("facs", "Signature : \"FACS\"")]
        [InlineData("xsdt", "ACPI Table Address 1 : 00000000000E")]
        public void IaslDisassemblesEachTableCleanly(string table, string expected)
        {
            using AcpicaTools tools = new AcpicaTools();
            tools.WriteTables(s_tables);
            (int exitCode, string output) = tools.Run("iasl", "-d", table + ".dat");
            Assert.True(exitCode == 0, output);
            AssertNoProblems(output);
            string dsl = File.ReadAllText(tools.PathOf(table + ".dsl"));
            Assert.DoesNotContain("**** ", dsl); // the disassembler's marker for a malformed field
            Assert.Contains(expected, Regex.Replace(dsl, @"[ \t]+", " "));
        }

        [Fact]
        public void TheDisassembledTablesSayWhatTheMachineIs()
        {
            using AcpicaTools tools = new AcpicaTools();
            tools.WriteTables(s_tables);
            foreach (string table in new[] { "facp", "apic", "dsdt" })
                Assert.Equal(0, tools.Run("iasl", "-d", table + ".dat").ExitCode);
            string fadt = Regex.Replace(File.ReadAllText(tools.PathOf("facp.dsl")), @"[ \t]+", " ");
            foreach (string field in new[]
            {
                "SCI Interrupt : 0009", "SMI Command Port : 00000000", "PM1A Event Block Address : 00000600",
                "PM1A Control Block Address : 00000604", "PM Timer Block Address : 00000608",
                "C2 Latency : 0065", "C3 Latency : 03E9", "RTC Century Index : 32",
                "Legacy Devices Supported (V2) : 1", "8042 Present on ports 60/64 (V2) : 1",
                "WBINVD instruction is operational (V1) : 1", "All CPUs support C1 (V1) : 1",
                "Control Method Power Button (V1) : 1", "Control Method Sleep Button (V1) : 1",
                "32-bit PM Timer (V1) : 0", "Hardware Reduced (V5) : 0", "Value to cause reset : FE",
                "FADT Minor Revision : 03",
            })
                Assert.Contains(field, fadt);
            string madt = Regex.Replace(File.ReadAllText(tools.PathOf("apic.dsl")), @"[ \t]+", " ");
            foreach (string field in new[]
            {
                "Local Apic Address : FEE00000", "PC-AT Compatibility : 1", "Processor Enabled : 1",
                "Address : FEC00000", "Interrupt : 00000009", "Trigger Mode : 3", "Polarity : 1",
                "Processor ID : FF", "Interrupt Input LINT : 01",
            })
                Assert.Contains(field, madt);
            string dsdt = File.ReadAllText(tools.PathOf("dsdt.dsl"));
            Assert.Contains("Name (_HID, EisaId (\"PNP0A03\")", dsdt);
            Assert.Contains("Name (_S5, Package (0x04)", dsdt);
        }

        [Fact]
        public void IaslRecompilesTheDisassembledDsdtToTheSameAml()
        {
            using AcpicaTools tools = new AcpicaTools();
            tools.WriteTables(s_tables);
            Assert.Equal(0, tools.Run("iasl", "-d", "dsdt.dat").ExitCode);
            (int exitCode, string output) = tools.Run("iasl", "-p", "recompiled", "dsdt.dsl");
            Assert.True(exitCode == 0, output);
            Assert.Contains("0 Errors, 0 Warnings, 0 Remarks", output);
            AssertNoProblems(output);
            byte[] original = File.ReadAllBytes(tools.PathOf("dsdt.dat"));
            byte[] recompiled = File.ReadAllBytes(tools.PathOf("recompiled.aml"));
            Assert.Equal(original.AsSpan(36).ToArray(), recompiled.AsSpan(36).ToArray());
        }

        [Fact]
        public void AcpiexecLoadsTheTablesAndEvaluatesS5AndTheHostBridge()
        {
            using AcpicaTools tools = new AcpicaTools();
            tools.WriteTables(s_tables);
            (int exitCode, string output) = tools.Run("acpiexec", "-b", "evaluate \\_S5; evaluate \\_SB.PCI0._HID; evaluate \\_SB.PCI0._UID; evaluate \\_SB.PCI0._BBN",
                "dsdt.dat", "facp.dat", "apic.dat", "facs.dat");
            Assert.True(exitCode == 0, output);
            AssertNoProblems(output);
            Assert.Contains("ACPI: FACP", output);
            Assert.Contains("(v06 BAREVI BAREVISR 00000001 BVSR 00000001)", output);
            Assert.Matches(@"Evaluation of \\_S5 returned object [^\n]*\n\s*\[Package\] Contains 4 Elements:\s*\n"
                + @"\s*\[Integer\] = 0000000000000005\s*\n\s*\[Integer\] = 0000000000000005\s*\n"
                + @"\s*\[Integer\] = 0000000000000000\s*\n\s*\[Integer\] = 0000000000000000", output);
            Assert.Matches(@"Evaluation of \\_SB.PCI0._HID returned object [^\n]*\n\s*\[Integer\] = 00000000030AD041", output);
            Assert.Matches(@"Evaluation of \\_SB.PCI0._UID returned object [^\n]*\n\s*\[Integer\] = 0000000000000000", output);
            Assert.Matches(@"Evaluation of \\_SB.PCI0._BBN returned object [^\n]*\n\s*\[Integer\] = 0000000000000000", output);
        }

        [Fact]
        public void AcpicaDecodesTheHostBridgeResources()
        {
            using AcpicaTools tools = new AcpicaTools();
            tools.WriteTables(s_tables);
            (int exitCode, string output) = tools.Run("acpiexec", "-b", "resources \\_SB.PCI0", "dsdt.dat", "facp.dat", "apic.dat", "facs.dat");
            Assert.True(exitCode == 0, output);
            string crs = Regex.Replace(output, @"[ \t]+", " ");
            int start = crs.IndexOf("Evaluating _CRS", StringComparison.Ordinal);
            int end = crs.IndexOf("Resource Conversion Comparison", StringComparison.Ordinal);
            Assert.True(start >= 0 && end > start, output);
            crs = crs.Substring(start, end - start);
            AssertNoProblems(crs);
            string[] descriptors = Regex.Split(crs, @"\n\[\d\d\] ");
            Assert.Equal(8, descriptors.Length); // what precedes [00], then seven descriptors
            AssertDescriptor(descriptors[1], "16-Bit WORD Address Space Resource", "Resource Type : Bus Number Range",
                "ResourceProducer", "MinFixed", "MaxFixed", "Address Minimum : 0000", "Address Maximum : 00FF", "Address Length : 0100");
            AssertDescriptor(descriptors[2], "I/O Resource", "Decode16", "Address Minimum : 0CF8", "Address Maximum : 0CF8", "Address Length : 08");
            AssertDescriptor(descriptors[3], "16-Bit WORD Address Space Resource", "Resource Type : I/O Range", "Range Type : EntireRange",
                "ResourceProducer", "Address Minimum : 0000", "Address Maximum : 0CF7", "Address Length : 0CF8");
            AssertDescriptor(descriptors[4], "16-Bit WORD Address Space Resource", "Resource Type : I/O Range",
                "Address Minimum : 0D00", "Address Maximum : FFFF", "Address Length : F300");
            AssertDescriptor(descriptors[5], "32-Bit DWORD Address Space Resource", "Resource Type : Memory Range", "Caching : Cacheable",
                "Write Protect : ReadWrite", "Address Minimum : 000A0000", "Address Maximum : 000BFFFF", "Address Length : 00020000");
            AssertDescriptor(descriptors[6], "32-Bit DWORD Address Space Resource", "Resource Type : Memory Range", "Caching : NonCacheable",
                "ResourceProducer", "Address Minimum : 20000000", "Address Maximum : FEBFFFFF", "Address Length : DEC00000");
            AssertDescriptor(descriptors[7], "EndTag Resource");
        }

        private static void AssertDescriptor(string descriptor, params string[] lines)
        {
            foreach (string line in lines)
                Assert.Contains(line, descriptor);
        }

        [Fact]
        public void AcpiexecCatchesABrokenFadt()
        {
            // The check above would be worthless if ACPICA stayed quiet: a FADT whose X_PM1a_CNT_BLK
            // disagrees with PM1a_CNT_BLK must be reported.
            using AcpicaTools tools = new AcpicaTools();
            tools.WriteTables(s_tables);
            byte[] fadt = File.ReadAllBytes(tools.PathOf("facp.dat"));
            fadt[176] = 0x04;
            fadt[177] = 0x07;
            Fakes.AcpiImage.FixChecksum(fadt, 9, fadt.Length);
            File.WriteAllBytes(tools.PathOf("facp.dat"), fadt);
            (_, string output) = tools.Run("acpiexec", "-b", "evaluate \\_S5", "dsdt.dat", "facp.dat", "apic.dat", "facs.dat");
            Assert.Contains("32/64X address mismatch in FADT/Pm1aControlBlock", output);
            Assert.Throws<Xunit.Sdk.FalseException>(() => AssertNoProblems(output));
        }
    }
}
