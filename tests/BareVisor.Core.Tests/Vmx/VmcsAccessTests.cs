// Host test code. Typed VMCS access and what an encoding says about its field.
using BareVisor.Core.Tests.Fakes;
using BareVisor.Core.Vmx;

namespace BareVisor.Core.Tests.Vmx
{
    public class VmcsAccessTests
    {
        private readonly FakeVmcsState state = new FakeVmcsState();

        [Fact]
        public void TypedReadsAndWritesUseTheFieldsEncoding()
        {
            FakeVmcs vmcs = new FakeVmcs(state);
            Vmcs.Write(ref vmcs, VmcsField16.GuestCsSelector, (ushort)0xF000);
            Vmcs.Write(ref vmcs, VmcsField32.GuestCsLimit, 0xFFFFu);
            Vmcs.Write(ref vmcs, VmcsField64.VmcsLinkPointer, ulong.MaxValue);
            Vmcs.Write(ref vmcs, VmcsFieldNatural.GuestRip, 0xFFF0UL);
            Assert.Equal((ushort)0xF000, Vmcs.Read(ref vmcs, VmcsField16.GuestCsSelector));
            Assert.Equal(0xFFFFu, Vmcs.Read(ref vmcs, VmcsField32.GuestCsLimit));
            Assert.Equal(ulong.MaxValue, Vmcs.Read(ref vmcs, VmcsField64.VmcsLinkPointer));
            Assert.Equal(0xFFF0UL, Vmcs.Read(ref vmcs, VmcsFieldNatural.GuestRip));
            Assert.Equal(0xFFF0UL, state.Get(0x681E));
            Assert.Equal(4, state.Count);
        }

        [Fact]
        public void ExtensionFormWorksOnAVariable()
        {
            FakeVmcs vmcs = new FakeVmcs(state);
            vmcs.Write(VmcsFieldNatural.GuestRsp, 0x7000UL);
            ulong rsp = vmcs.Read(VmcsFieldNatural.GuestRsp);
            Assert.Equal(0x7000UL, rsp);
        }

        [Fact]
        public void ReadsZeroExtendTheFieldWidth()
        {
            state.Set((uint)VmcsField16.GuestEsSelector, 0x1234);
            state.Set((uint)VmcsField32.ExitReason, 0x8000_0021);
            FakeVmcs vmcs = new FakeVmcs(state);
            ushort selector = Vmcs.Read(ref vmcs, VmcsField16.GuestEsSelector);
            ExitReasonField reason = Vmcs.ReadExitReason(ref vmcs);
            Assert.Equal(0x1234, selector);
            Assert.True(reason.EntryFailure);
            Assert.Equal(ExitReason.VmEntryFailureInvalidGuestState, reason.BasicReason);
        }

        [Fact]
        public void InstructionErrorIsTyped()
        {
            state.Set((uint)VmcsField32.VmInstructionError, 7);
            FakeVmcs vmcs = new FakeVmcs(state);
            Assert.Equal(VmInstructionError.VmEntryWithInvalidControlFields, Vmcs.ReadInstructionError(ref vmcs));
        }

        [Fact]
        public void HighAccessReachesTheUpperHalfOfA64BitField()
        {
            FakeVmcs vmcs = new FakeVmcs(state);
            Vmcs.Write(ref vmcs, VmcsField64.TscOffset, 0x1122_3344_5566_7788);
            uint high = VmcsFieldEncoding.HighAccess(VmcsField64.TscOffset);
            Assert.Equal(0x2011u, high);
            Assert.Equal(0x1122_3344UL, vmcs.Read(high));
        }

        [Fact]
        public void TryReadFailsForUnsupportedFields()
        {
            state.Unsupported.Add((uint)VmcsField64.GuestIa32Pkrs);
            FakeVmcs vmcs = new FakeVmcs(state);
            Assert.False(vmcs.TryRead((uint)VmcsField64.GuestIa32Pkrs, out _));
            Assert.False(vmcs.TryRead(0x6FFE, out _));
            Assert.False(vmcs.TryRead((uint)VmcsFieldNatural.GuestRip | 1, out _));
            Assert.True(vmcs.TryRead((uint)VmcsFieldNatural.GuestRip, out _));
        }

        [Theory]
        [InlineData(0x0802u, VmcsFieldWidth.Bits16, VmcsFieldType.GuestState, 1u)]
        [InlineData(0x0C0Cu, VmcsFieldWidth.Bits16, VmcsFieldType.HostState, 6u)]
        [InlineData(0x201Au, VmcsFieldWidth.Bits64, VmcsFieldType.Control, 13u)]
        [InlineData(0x2400u, VmcsFieldWidth.Bits64, VmcsFieldType.ReadOnlyData, 0u)]
        [InlineData(0x4402u, VmcsFieldWidth.Bits32, VmcsFieldType.ReadOnlyData, 1u)]
        [InlineData(0x681Eu, VmcsFieldWidth.Natural, VmcsFieldType.GuestState, 15u)]
        [InlineData(0x6C16u, VmcsFieldWidth.Natural, VmcsFieldType.HostState, 11u)]
        public void EncodingsDescribeThemselves(uint encoding, VmcsFieldWidth width, VmcsFieldType type, uint index)
        {
            Assert.Equal(width, VmcsFieldEncoding.Width(encoding));
            Assert.Equal(type, VmcsFieldEncoding.Type(encoding));
            Assert.Equal(index, VmcsFieldEncoding.Index(encoding));
            Assert.False(VmcsFieldEncoding.IsHighAccess(encoding));
            Assert.True(VmcsFieldEncoding.IsHighAccess(encoding | 1));
        }

        [Fact]
        public void TruncationAndDumpWidthFollowTheField()
        {
            Assert.Equal(0x5678UL, VmcsFieldEncoding.Truncate(0x0800, 0x1234_5678));
            Assert.Equal(0x1234_5678UL, VmcsFieldEncoding.Truncate(0x4800, 0xAB_1234_5678));
            Assert.Equal(ulong.MaxValue, VmcsFieldEncoding.Truncate(0x6800, ulong.MaxValue));
            Assert.Equal(4, VmcsFieldEncoding.HexDigits(0x0800));
            Assert.Equal(8, VmcsFieldEncoding.HexDigits(0x4800));
            Assert.Equal(16, VmcsFieldEncoding.HexDigits(0x2800));
            Assert.Equal(16, VmcsFieldEncoding.HexDigits(0x6800));
        }

        [Fact]
        public void FakeKeepsFieldsSortedWhateverTheWriteOrder()
        {
            SetAllBackToFront();
            Assert.Equal(VmcsFieldTable.Count, state.Count);
            for (int i = 0; i < VmcsFieldTable.Encodings.Length; i++)
            {
                uint encoding = VmcsFieldTable.Encodings[i];
                Assert.Equal(VmcsFieldEncoding.Truncate(encoding, 0x0101_0101_0101_0101UL * (ulong)(i + 1)), state.Get(encoding));
            }
        }

        // Writes every field, back to front, with a value derived from its position.
        private void SetAllBackToFront()
        {
            for (int i = VmcsFieldTable.Encodings.Length - 1; i >= 0; i--)
                state.Set(VmcsFieldTable.Encodings[i], VmcsFieldEncoding.Truncate(VmcsFieldTable.Encodings[i], 0x0101_0101_0101_0101UL * (ulong)(i + 1)));
        }
    }
}
