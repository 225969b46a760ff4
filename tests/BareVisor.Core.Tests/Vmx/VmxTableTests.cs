// Host test code. The hardware tables and the C# generated from them: no drift, encodings carry the
// width of their enum, no duplicates, and spot checks against the SDM.
using System;
using System.Collections.Generic;
using System.IO;
using BareVisor.Core.Vmx;
using BareVisor.TableGen;

namespace BareVisor.Core.Tests.Vmx
{
    public class VmxTableTests
    {
        private static string Root => TableGenerator.FindRepositoryRoot(AppContext.BaseDirectory);

        [Fact]
        public void CommittedGeneratedFilesMatchTheTables()
        {
            Assert.NotNull(Root);
            List<string> drifted = TableGenerator.FindDrift(Root);
            Assert.True(drifted.Count == 0,
                "regenerate with `dotnet run --project tools/BareVisor.TableGen`: " + string.Join(", ", drifted));
        }

        [Fact]
        public void DriftIsDetected()
        {
            string temp = Path.Combine(Path.GetTempPath(), "barevisor-tablegen-" + Guid.NewGuid().ToString("N"));
            try
            {
                CopyDirectory(Path.Combine(Root, TableGenerator.TablesDirectory), Path.Combine(temp, TableGenerator.TablesDirectory));
                CopyDirectory(Path.Combine(Root, TableGenerator.OutputDirectory), Path.Combine(temp, TableGenerator.OutputDirectory));
                Assert.Empty(TableGenerator.FindDrift(temp));
                string table = Path.Combine(temp, TableGenerator.TablesDirectory, "exit-reasons.txt");
                File.WriteAllText(table, File.ReadAllText(table).Replace("Xsetbv ", "XsetBv "));
                Assert.Equal(new[] { TableGenerator.OutputDirectory + "/ExitReasons.g.cs" }, TableGenerator.FindDrift(temp));
            }
            finally
            {
                Directory.Delete(temp, true);
            }
        }

        [Theory]
        [InlineData("Foo 0xZZ text", "not a number")]
        [InlineData("foo 1 text", "not a PascalCase identifier")]
        [InlineData("Foo 1", "expected 'Name Value Text'")]
        [InlineData("Foo 1 a\nBar 1 b", "duplicate value")]
        [InlineData("Foo 1 a\nFoo 2 b", "duplicate name")]
        public void MalformedTablesAreRejectedWithTheLine(string text, string message)
        {
            TableFormatException e = Assert.Throws<TableFormatException>(() => TableReader.Read(text, "t.txt"));
            Assert.Contains(message, e.Message);
            Assert.StartsWith("t.txt:", e.Message);
        }

        [Fact]
        public void TableSizes()
        {
            Assert.Equal(199, VmcsFieldTable.Count);
            Assert.Equal(VmcsFieldTable.Count, VmcsFieldTable.Encodings.Length);
            Assert.Equal(76, Enum.GetValues<ExitReason>().Length);
            Assert.Equal(25, Enum.GetValues<VmInstructionError>().Length);
            Assert.Equal(80, ExitReasonNames.Limit);
        }

        [Fact]
        public void EachVmcsEnumHoldsOnlyFieldsOfItsWidth()
        {
            AssertWidth<VmcsField16>(VmcsFieldWidth.Bits16);
            AssertWidth<VmcsField32>(VmcsFieldWidth.Bits32);
            AssertWidth<VmcsField64>(VmcsFieldWidth.Bits64);
            AssertWidth<VmcsFieldNatural>(VmcsFieldWidth.Natural);
        }

        [Fact]
        public void EncodingsAreUniqueFullEncodingsAndNamedLikeTheirEnumMember()
        {
            var all = new Dictionary<uint, string>();
            AddAll<VmcsField16>(all);
            AddAll<VmcsField32>(all);
            AddAll<VmcsField64>(all);
            AddAll<VmcsFieldNatural>(all);
            Assert.Equal(VmcsFieldTable.Count, all.Count);
            foreach (uint encoding in VmcsFieldTable.Encodings)
            {
                Assert.True(all.ContainsKey(encoding));
                Assert.Equal(all[encoding], VmcsFieldTable.Name(encoding));
                Assert.False(VmcsFieldEncoding.IsHighAccess(encoding));
                Assert.Equal(0u, encoding & 0xFFFF_9000u);
            }
        }

        [Fact]
        public void SpotChecksAgainstTheSdm()
        {
            Assert.Equal(0x681Eu, (uint)VmcsFieldNatural.GuestRip);
            Assert.Equal(0x6C16u, (uint)VmcsFieldNatural.HostRip);
            Assert.Equal(0x2800u, (uint)VmcsField64.VmcsLinkPointer);
            Assert.Equal(0x201Au, (uint)VmcsField64.EptPointer);
            Assert.Equal(0x2400u, (uint)VmcsField64.GuestPhysicalAddress);
            Assert.Equal(0x4002u, (uint)VmcsField32.PrimaryProcessorBasedVmExecutionControls);
            Assert.Equal(0x401Eu, (uint)VmcsField32.SecondaryProcessorBasedVmExecutionControls);
            Assert.Equal(0x4402u, (uint)VmcsField32.ExitReason);
            Assert.Equal(0x482Eu, (uint)VmcsField32.VmxPreemptionTimerValue);
            Assert.Equal(0x0000u, (uint)VmcsField16.VirtualProcessorIdentifier);
            Assert.Equal(0x0C0Cu, (uint)VmcsField16.HostTrSelector);
            Assert.Equal(0x6400u, (uint)VmcsFieldNatural.ExitQualification);
        }

        [Fact]
        public void ExitReasonsAndTheirNames()
        {
            Assert.Equal(0, (int)ExitReason.ExceptionOrNmi);
            Assert.Equal(2, (int)ExitReason.TripleFault);
            Assert.Equal(10, (int)ExitReason.Cpuid);
            Assert.Equal(30, (int)ExitReason.IoInstruction);
            Assert.Equal(48, (int)ExitReason.EptViolation);
            Assert.Equal(49, (int)ExitReason.EptMisconfiguration);
            Assert.Equal(55, (int)ExitReason.Xsetbv);
            Assert.Equal("EptViolation", ExitReasonNames.Name(ExitReason.EptViolation));
            Assert.Null(ExitReasonNames.Name((ExitReason)35));
            Assert.Null(ExitReasonNames.Name((ExitReason)0xFFFF));
            foreach (ExitReason reason in Enum.GetValues<ExitReason>())
            {
                Assert.Equal(reason.ToString(), ExitReasonNames.Name(reason));
                Assert.True((int)reason < ExitReasonNames.Limit);
            }
        }

        [Fact]
        public void VmInstructionErrorsHaveNamesAndSdmDescriptions()
        {
            Assert.Equal(7u, (uint)VmInstructionError.VmEntryWithInvalidControlFields);
            Assert.Equal(28u, (uint)VmInstructionError.InvalidOperandToInveptInvvpid);
            Assert.Equal("VmEntryWithInvalidHostStateFields", VmInstructionErrorNames.Name((VmInstructionError)8));
            Assert.Equal("VM entry with invalid control field(s)", VmInstructionErrorNames.Description((VmInstructionError)7));
            Assert.Null(VmInstructionErrorNames.Name((VmInstructionError)14));
            Assert.Null(VmInstructionErrorNames.Description((VmInstructionError)0));
            foreach (VmInstructionError error in Enum.GetValues<VmInstructionError>())
                Assert.Equal(error.ToString(), VmInstructionErrorNames.Name(error));
        }

        [Fact]
        public void ControlBitNamesMatchTheirEnums()
        {
            AssertControlNames<PinBasedControls>(VmxControlKind.PinBased);
            AssertControlNames<PrimaryProcessorBasedControls>(VmxControlKind.PrimaryProcessorBased);
            AssertControlNames<SecondaryProcessorBasedControls>(VmxControlKind.SecondaryProcessorBased);
            AssertControlNames<ExitControls>(VmxControlKind.Exit);
            AssertControlNames<EntryControls>(VmxControlKind.Entry);
            Assert.Equal(1u << 1, (uint)SecondaryProcessorBasedControls.EnableEpt);
            Assert.Equal(1u << 7, (uint)SecondaryProcessorBasedControls.UnrestrictedGuest);
            Assert.Equal(1u << 9, (uint)EntryControls.Ia32eModeGuest);
            Assert.Equal(1u << 15, (uint)ExitControls.AcknowledgeInterruptOnExit);
            Assert.Equal(1u << 31, (uint)PrimaryProcessorBasedControls.ActivateSecondaryControls);
            Assert.Null(VmxControlNames.Name(VmxControlKind.PinBased, 1));
        }

        private static void AssertWidth<T>(VmcsFieldWidth width) where T : struct, Enum
        {
            foreach (T field in Enum.GetValues<T>())
                Assert.True(VmcsFieldEncoding.Width(Convert.ToUInt32(field)) == width, typeof(T).Name + "." + field + " has another width");
        }

        private static void AddAll<T>(Dictionary<uint, string> all) where T : struct, Enum
        {
            foreach (T field in Enum.GetValues<T>())
                Assert.True(all.TryAdd(Convert.ToUInt32(field), field.ToString()), "duplicate encoding: " + field);
        }

        private static void AssertControlNames<T>(VmxControlKind kind) where T : struct, Enum
        {
            foreach (T control in Enum.GetValues<T>())
            {
                uint bits = Convert.ToUInt32(control);
                if (bits == 0)
                    continue;
                Assert.Equal(1, System.Numerics.BitOperations.PopCount(bits));
                Assert.Equal(control.ToString(), VmxControlNames.Name(kind, System.Numerics.BitOperations.TrailingZeroCount(bits)));
            }
        }

        private static void CopyDirectory(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (string file in Directory.GetFiles(from))
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
