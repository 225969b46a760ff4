// Host test code. The legacy devices wired to the 8259 pair on one port bus, as the platform will
// wire them: each device's interrupt arrives as its vector through TryAcknowledge.
using System.Collections.Generic;
using BareVisor.Core.Devices;

namespace BareVisor.Core.Tests.Devices
{
    public class LegacyDeviceWiringTests
    {
        private readonly RecordingInterruptLine _intr = new RecordingInterruptLine();
        private readonly PortBus _bus = new PortBus();
        private readonly I8259Pic _pic;
        private readonly Uart16550 _uart;
        private readonly I8254Pit _pit;
        private readonly CmosRtc _rtc;
        private readonly I8042 _kbc;
        private readonly List<byte> _console = new List<byte>();

        public LegacyDeviceWiringTests()
        {
            _pic = new I8259Pic(_intr);
            _uart = new Uart16550(_pic.Line(Uart16550.Com1Irq), b => _console.Add(b));
            _pit = new I8254Pit(_pic.Line(I8254Pit.Irq));
            _rtc = new CmosRtc(_pic.Line(CmosRtc.Irq), 1_700_000_000, 256UL << 20, 0);
            _kbc = new I8042(_pic.Line(I8042.KeyboardIrq), _pic.Line(I8042.AuxIrq), null);
            Assert.True(_pic.ClaimPorts(_bus));
            Assert.True(_uart.ClaimPorts(_bus));
            Assert.True(_pit.ClaimPorts(_bus));
            Assert.True(new SystemControlPortB(_pit).ClaimPorts(_bus));
            Assert.True(_rtc.ClaimPorts(_bus));
            Assert.True(_kbc.ClaimPorts(_bus));
            foreach (int[] write in new[]
            {
                new[] { 0x20, 0x11 }, new[] { 0x21, 0x30 }, new[] { 0x21, 0x04 }, new[] { 0x21, 0x01 },
                new[] { 0xA0, 0x11 }, new[] { 0xA1, 0x38 }, new[] { 0xA1, 0x02 }, new[] { 0xA1, 0x01 },
                new[] { 0x21, 0x00 }, new[] { 0xA1, 0x00 },
            })
                Out(write[0], write[1]);
        }

        private void Out(int port, int value) => Assert.True(_bus.TryWrite((ushort)port, 1, (uint)value));

        private byte In(int port)
        {
            Assert.True(_bus.TryRead((ushort)port, 1, out uint value));
            return (byte)value;
        }

        private byte Acknowledge()
        {
            Assert.True(_pic.TryAcknowledge(out byte vector));
            return vector;
        }

        [Fact]
        public void PitTickArrivesAsVector0x30()
        {
            Out(0x43, 0x34);
            Out(0x40, 0xA9);
            Out(0x40, 0x04); // 1193: 1 kHz
            Assert.Equal(0x30, Acknowledge()); // writing mode 2 raised OUT: an edge, as on hardware
            Out(0x20, 0x60);
            Assert.False(_intr.Level);
            _pit.Advance(_pit.NextEventNanoseconds);
            Assert.True(_intr.Level);
            Assert.Equal(0x30, Acknowledge());
        }

        [Fact]
        public void SerialInputArrivesAsVector0x34()
        {
            Out(0x3F8 + Uart16550.Mcr, Uart16550.McrOut2 | Uart16550.McrDtr | Uart16550.McrRts);
            Out(0x3F8 + Uart16550.IerDlm, Uart16550.IerReceivedData);
            Assert.False(_intr.Level);
            _uart.Receive((byte)'k');
            Assert.Equal(0x34, Acknowledge());
            Assert.Equal((byte)'k', In(0x3F8));
            Out(0x20, 0x64);
            _uart.Receive((byte)'l');
            Assert.Equal(0x34, Acknowledge());
        }

        [Fact]
        public void RtcUpdateArrivesAsVector0x38ThroughTheSlave()
        {
            Out(0x70, CmosRtc.RegisterB);
            Out(0x71, CmosRtc.UpdateEnable | CmosRtc.Hours24);
            _rtc.Advance(_rtc.NextEventNanoseconds);
            Assert.Equal(0x38, Acknowledge());
            Out(0x70, CmosRtc.RegisterC);
            Assert.Equal(CmosRtc.InterruptFlag | CmosRtc.UpdateFlag, In(0x71) & 0xF0 & ~CmosRtc.PeriodicFlag);
            Out(0xA0, 0x60);
            Out(0x20, 0x62);
            _rtc.Advance(_rtc.NextEventNanoseconds);
            Assert.Equal(0x38, Acknowledge());
        }

        [Fact]
        public void KeyboardControllerRepliesArriveAsVector0x31()
        {
            Out(0x60, 0xF2);
            Assert.Equal(0x31, Acknowledge());
            Assert.Equal(I8042.NoDeviceReply, In(0x60));
        }

        [Fact]
        public void ConsoleOutputReachesTheSink()
        {
            foreach (char c in "ok")
                Out(0x3F8, c);
            Assert.Equal(new[] { (byte)'o', (byte)'k' }, _console.ToArray());
        }

        [Fact]
        public void SplitLineDrivesBothReceivers()
        {
            RecordingInterruptLine other = new RecordingInterruptLine();
            SplitInterruptLine split = new SplitInterruptLine(_pic.Line(5), other);
            split.Set(true);
            Assert.True(other.Level);
            Assert.Equal(0x35, Acknowledge());
            split.Set(false);
            Assert.False(other.Level);
            new SplitInterruptLine(null, null).Set(true); // unconnected halves are fine
            InterruptLines.None.Set(true);
        }
    }
}
