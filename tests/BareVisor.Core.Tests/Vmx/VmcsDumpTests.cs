// Host test code. The VMCS dump: every readable field, grouped, formatted to its width.
using System.Collections.Generic;
using BareVisor.Core.Tests.Fakes;
using BareVisor.Core.Text;
using BareVisor.Core.Vmx;

namespace BareVisor.Core.Tests.Vmx
{
    public class VmcsDumpTests
    {
        private static List<string> Dump(FakeVmcsState state)
        {
            FakeVmcs vmcs = new FakeVmcs(state);
            List<string> lines = new List<string>();
            ListTextSink sink = new ListTextSink(lines);
            VmcsDump.Write(ref vmcs, ref sink);
            return lines;
        }

        [Fact]
        public void EveryFieldIsPrintedOnceUnderItsGroup()
        {
            FakeVmcsState state = new FakeVmcsState();
            state.Set((uint)VmcsFieldNatural.GuestRip, 0xFFF0);
            state.Set((uint)VmcsField16.GuestCsSelector, 0xF000);
            state.Set((uint)VmcsField32.ExitReason, 0x8000_0021);
            state.Set((uint)VmcsField64.VmcsLinkPointer, ulong.MaxValue);
            List<string> lines = Dump(state);
            Assert.Equal(VmcsFieldTable.Count + 4, lines.Count);
            Assert.Equal("-- VMCS control fields --", lines[0]);
            Assert.Contains("GuestRip 0x000000000000fff0", lines);
            Assert.Contains("GuestCsSelector 0xf000", lines);
            Assert.Contains("ExitReason 0x80000021", lines);
            Assert.Contains("VmcsLinkPointer 0xffffffffffffffff", lines);
            Assert.Contains("PinBasedVmExecutionControls 0x00000000", lines);
            int exitInfo = lines.IndexOf("-- VMCS exit information --");
            int guest = lines.IndexOf("-- VMCS guest state --");
            int host = lines.IndexOf("-- VMCS host state --");
            Assert.True(0 < exitInfo && exitInfo < lines.IndexOf("ExitReason 0x80000021") && lines.IndexOf("ExitReason 0x80000021") < guest);
            Assert.True(guest < lines.IndexOf("GuestRip 0x000000000000fff0") && lines.IndexOf("GuestRip 0x000000000000fff0") < host);
            Assert.True(host < lines.IndexOf("HostRip 0x0000000000000000"));
        }

        [Fact]
        public void UnreadableFieldsAreSkipped()
        {
            FakeVmcsState state = new FakeVmcsState();
            state.Unsupported.Add((uint)VmcsField64.GuestIa32Pkrs);
            state.Unsupported.Add((uint)VmcsField16.HlatPrefixSize);
            List<string> lines = Dump(state);
            Assert.Equal(VmcsFieldTable.Count + 4 - 2, lines.Count);
            Assert.DoesNotContain(lines, line => line.StartsWith("GuestIa32Pkrs"));
            Assert.DoesNotContain(lines, line => line.StartsWith("HlatPrefixSize"));
        }

        [Fact]
        public void LongestNameFitsTheLine()
        {
            TextBuffer text = new TextBuffer(stackalloc char[96]);
            VmcsDump.FormatField(ref text, (uint)VmcsField64.HypervisorManagedLinearAddressTranslationPointer, ulong.MaxValue);
            Assert.False(text.Truncated);
            Assert.Equal("HypervisorManagedLinearAddressTranslationPointer 0xffffffffffffffff", text.ToString());
        }
    }
}
