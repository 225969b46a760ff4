// Host test code. The guest's port space (claims, routing, nothing-there reads), the debug console
// on port 0xE9 and the POST-code port.
using System.Collections.Generic;
using System.Text;
using BareVisor.Core.Devices;

namespace BareVisor.Core.Tests.Devices
{
    public class PortDeviceTests
    {
        private sealed class RecordingDevice : PortDevice
        {
            public readonly List<(bool Write, ushort Offset, int Size, uint Value)> Accesses = new List<(bool, ushort, int, uint)>();
            public uint ReadValue = 0x5A5A5A5A;

            public override string Name => "recorder";

            public override uint Read(ushort offset, int size)
            {
                Accesses.Add((false, offset, size, 0));
                return ReadValue;
            }

            public override void Write(ushort offset, int size, uint value) => Accesses.Add((true, offset, size, value));
        }

        [Fact]
        public void AClaimedRangeGetsAccessesWithTheOffsetIntoIt()
        {
            PortBus bus = new PortBus();
            RecordingDevice uart = new RecordingDevice();
            Assert.True(bus.TryClaim(0x3F8, 8, uart));
            Assert.True(bus.TryWrite(0x3F8, 1, 0x41));
            Assert.True(bus.TryRead(0x3FD, 1, out uint value));
            Assert.True(bus.TryWrite(0x3FF, 2, 0x1234));
            Assert.Equal(0x5A5A5A5Au, value);
            Assert.Equal(new[] { (true, (ushort)0, 1, 0x41u), (false, (ushort)5, 1, 0u), (true, (ushort)7, 2, 0x1234u) }, uart.Accesses);
        }

        [Fact]
        public void PortsJustOutsideAClaimAreNotTheDevices()
        {
            PortBus bus = new PortBus();
            RecordingDevice uart = new RecordingDevice();
            bus.TryClaim(0x3F8, 8, uart);
            Assert.False(bus.TryRead(0x3F7, 1, out _));
            Assert.False(bus.TryRead(0x400, 1, out _));
            Assert.False(bus.TryWrite(0x400, 1, 0));
            Assert.Empty(uart.Accesses);
        }

        [Theory]
        [InlineData(0x3F8, 8)]                  // the same range
        [InlineData(0x3F0, 9)]                  // ends on the first port
        [InlineData(0x3FF, 1)]                  // the last port
        [InlineData(0x3FA, 2)]                  // inside
        [InlineData(0x300, 0x200)]              // around
        public void OverlappingClaimsAreRefused(int first, int count)
        {
            PortBus bus = new PortBus();
            RecordingDevice a = new RecordingDevice(), b = new RecordingDevice();
            Assert.True(bus.TryClaim(0x3F8, 8, a));
            Assert.False(bus.TryClaim((ushort)first, (ushort)count, b));
            bus.TryWrite((ushort)(first + count - 1), 1, 7);
            Assert.Empty(b.Accesses);
        }

        [Fact]
        public void AdjacentClaimsAreFine()
        {
            PortBus bus = new PortBus();
            RecordingDevice low = new RecordingDevice(), mid = new RecordingDevice(), high = new RecordingDevice();
            Assert.True(bus.TryClaim(0x3F8, 8, mid));
            Assert.True(bus.TryClaim(0x3F0, 8, low));
            Assert.True(bus.TryClaim(0x400, 1, high));
            bus.TryWrite(0x3F7, 1, 1);
            bus.TryWrite(0x3F8, 1, 2);
            bus.TryWrite(0x400, 1, 3);
            Assert.Equal((true, (ushort)7, 1, 1u), Assert.Single(low.Accesses));
            Assert.Equal((true, (ushort)0, 1, 2u), Assert.Single(mid.Accesses));
            Assert.Equal((true, (ushort)0, 1, 3u), Assert.Single(high.Accesses));
        }

        [Fact]
        public void TheTopPortCanBeClaimed()
        {
            PortBus bus = new PortBus();
            RecordingDevice top = new RecordingDevice();
            Assert.True(bus.TryClaim(0xFFFF, 1, top));
            Assert.True(bus.TryRead(0xFFFF, 4, out _));
            Assert.False(bus.TryClaim(0xFFF0, 0x10, new RecordingDevice()));
            Assert.True(bus.TryClaim(0xFFF0, 0xF, new RecordingDevice()));
        }

        [Theory]
        [InlineData(1, 0xFFu)]
        [InlineData(2, 0xFFFFu)]
        [InlineData(4, 0xFFFFFFFFu)]
        public void NothingThereReadsAllOnesForTheSize(int size, uint expected)
        {
            PortBus bus = new PortBus();
            Assert.False(bus.TryRead(0x2F8, size, out uint value));
            Assert.Equal(expected, value);
            Assert.Equal(expected, PortBus.AllOnes(size));
        }

        [Fact]
        public void TheDebugConsoleEmitsCompleteLines()
        {
            List<string> lines = new List<string>();
            DebugConsole console = NewConsole(lines);
            Write(console, "first\nsecond\n");
            Assert.Equal(new[] { "first", "second" }, lines);
            Assert.Equal("debug console", console.Name);
        }

        [Fact]
        public void CarriageReturnsAreDropped()
        {
            List<string> lines = new List<string>();
            DebugConsole console = NewConsole(lines);
            Write(console, "a\r\nb\rc\n");
            Assert.Equal(new[] { "a", "bc" }, lines);
        }

        [Fact]
        public void AnEmptyLineIsNotEmitted()
        {
            List<string> lines = new List<string>();
            DebugConsole console = NewConsole(lines);
            Write(console, "\n\r\n");
            Assert.Empty(lines);
        }

        [Fact]
        public void LongLinesAreSplitAt200Characters()
        {
            List<string> lines = new List<string>();
            DebugConsole console = NewConsole(lines);
            string text = new string('x', 200) + new string('y', 201) + "z\n";
            Write(console, text);
            Assert.Equal(new[] { new string('x', 200), new string('y', 200), "yz" }, lines);
        }

        [Fact]
        public void ANewlineRightAfterASplitAddsNoEmptyLine()
        {
            List<string> lines = new List<string>();
            DebugConsole console = NewConsole(lines);
            Write(console, new string('x', DebugConsole.MaxLine) + "\n");
            Assert.Equal(new[] { new string('x', 200) }, lines);
        }

        [Fact]
        public void FlushEmitsAPartialLineOnce()
        {
            List<string> lines = new List<string>();
            DebugConsole console = NewConsole(lines);
            Write(console, "no newline");
            Assert.Empty(lines);
            console.Flush();
            console.Flush();
            Assert.Equal(new[] { "no newline" }, lines);
            Write(console, "next\n");
            Assert.Equal(new[] { "no newline", "next" }, lines);
        }

        [Fact]
        public void OnlyTheLowByteOfAWideWriteIsText()
        {
            List<string> lines = new List<string>();
            DebugConsole console = NewConsole(lines);
            console.Write(0, 2, 0x0A41);    // 'A' with '\n' in the high byte: not a newline
            console.Write(0, 4, 0xFFFFFF42);
            console.Flush();
            Assert.Equal(new[] { "AB" }, lines);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(4)]
        public void TheDebugConsoleReadsE9(int size) => Assert.Equal(0xE9u, NewConsole(new List<string>()).Read(0, size));

        [Fact]
        public void ThePostCodePortRemembersTheLastByte()
        {
            PostCodePort post = new PostCodePort();
            Assert.Equal(0u, post.Read(0, 1));
            post.Write(0, 1, 0x55);
            post.Write(0, 2, 0xAA12);
            Assert.Equal(0x12u, post.Read(0, 1));
            Assert.Equal(0x12u, post.Read(0, 4));
            Assert.Equal("POST code", post.Name);
            Assert.Equal(0x80, PostCodePort.Port);
        }

        private static DebugConsole NewConsole(List<string> lines) =>
            new DebugConsole((line, length) => lines.Add(Encoding.ASCII.GetString(line, 0, length)));

        private static void Write(DebugConsole console, string text)
        {
            foreach (char c in text)
                console.Write(0, 1, c);
        }
    }
}
