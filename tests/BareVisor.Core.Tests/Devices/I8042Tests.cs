// Host test code. The 8042 controller with no keyboard and no mouse: the commands Linux's i8042
// driver sends, the reset line, and fast "no device" answers.
using BareVisor.Core.Devices;

namespace BareVisor.Core.Tests.Devices
{
    public class I8042Tests
    {
        private readonly RecordingInterruptLine _irq1 = new RecordingInterruptLine();
        private readonly RecordingInterruptLine _irq12 = new RecordingInterruptLine();
        private readonly PortBus _bus = new PortBus();
        private readonly I8042 _kbc;
        private readonly DeviceRequests _requests = new DeviceRequests();

        public I8042Tests()
        {
            _kbc = new I8042(_irq1, _irq12, _requests);
            Assert.True(_kbc.ClaimPorts(_bus));
            Assert.True(new SystemControlPortB(new I8254Pit(null)).ClaimPorts(_bus)); // 0x61 sits between
        }

        private byte Status() => In(0x64);
        private void Command(int command) => Assert.True(_bus.TryWrite(0x64, 1, (uint)command));
        private void Data(int value) => Assert.True(_bus.TryWrite(0x60, 1, (uint)value));

        private byte In(ushort port)
        {
            Assert.True(_bus.TryRead(port, 1, out uint value));
            return (byte)value;
        }

        // Linux's i8042_command: the command, its parameter bytes, then one reply when it has one.
        private byte CommandWithReply(int command, int parameter = -1)
        {
            Command(command);
            if (parameter >= 0)
                Data(parameter);
            Assert.Equal(I8042.OutputFull, Status() & I8042.OutputFull);
            return In(0x60);
        }

        [Fact]
        public void IdleStatus()
        {
            Assert.Equal(I8042.NotInhibited | I8042.SystemFlag, Status());
        }

        [Fact]
        public void ControllerSelfTestAnswers55()
        {
            Assert.Equal(0x55, CommandWithReply(0xAA));
            Assert.Equal(0, Status() & I8042.OutputFull);
            Assert.Equal(I8042.SystemFlag, Status() & I8042.SystemFlag);
            // A controller reply is keyboard-side data: it raised IRQ 1 (enabled in the command
            // byte) until it was read.
            Assert.Equal(1, _irq1.RisingEdges);
            Assert.False(_irq1.Level);
        }

        [Fact]
        public void CommandByteReadAndWrite()
        {
            Assert.Equal(0x65, CommandWithReply(0x20));
            Command(0x60);
            Data(0x47);
            Assert.Equal(0x47, _kbc.CommandByte);
            Assert.Equal(0x47, CommandWithReply(0x20));
        }

        [Fact]
        public void LastWriteWasCommandBit()
        {
            Command(0xAD);
            Assert.Equal(I8042.LastWasCommand, Status() & I8042.LastWasCommand);
            Data(0xF4); // to the (absent) keyboard
            Assert.Equal(0, Status() & I8042.LastWasCommand);
        }

        [Fact]
        public void PulseResetLine()
        {
            Command(0xFE);
            Assert.Equal(DeviceRequest.Reset, _requests.Pending);
            _requests.Record(DeviceRequest.None);
            Command(0xFF); // no line pulsed
            Command(0xF1); // bit 0 set in the mask: not the reset line
            Assert.Equal(DeviceRequest.None, _requests.Pending);
            Assert.Equal(1, _kbc.ResetCount);
            Command(0xF0);
            Assert.Equal(DeviceRequest.Reset, _requests.Pending);
            Assert.Equal(2, _kbc.ResetCount);
        }

        [Fact]
        public void OutputPortWriteWithResetBitClearResets()
        {
            Command(0xD1);
            Data(0x03);
            Assert.Equal(DeviceRequest.None, _requests.Pending);
            Command(0xD1);
            Data(0x02);
            Assert.Equal(DeviceRequest.Reset, _requests.Pending);
            Assert.Equal(1, _kbc.ResetCount);
            Assert.Equal(0x03, CommandWithReply(0xD0) & 0x03);
        }

        [Fact]
        public void A20Gate()
        {
            Assert.True(_kbc.A20Enabled);
            Command(0xDD);
            Assert.False(_kbc.A20Enabled);
            Command(0xDF);
            Assert.True(_kbc.A20Enabled);
            Command(0xD1);
            Data(0x01);
            Assert.False(_kbc.A20Enabled);
        }

        [Fact]
        public void KeyboardByteGetsNoDeviceReplyWithTimeout()
        {
            Data(0xF2); // GET ID
            Assert.Equal(I8042.OutputFull | I8042.Timeout, Status() & (I8042.OutputFull | I8042.Timeout | I8042.AuxData));
            Assert.True(_irq1.Level);
            Assert.Equal(I8042.NoDeviceReply, In(0x60));
            Assert.False(_irq1.Level);
            Assert.Equal(0, Status() & I8042.OutputFull);
        }

        [Fact]
        public void KeyboardInterruptFollowsTheCommandByte()
        {
            Command(0x60);
            Data(0x64); // keyboard interrupt off
            Data(0xFF);
            Assert.False(_irq1.Level);
            Assert.Equal(I8042.OutputFull, Status() & I8042.OutputFull);
        }

        [Fact]
        public void AuxByteGetsNoDeviceReplyOnIrq12()
        {
            Command(0x60);
            Data(0x47); // both interrupts on, aux enabled
            Command(0xD4);
            Data(0xF2);
            byte status = Status();
            Assert.Equal(I8042.OutputFull | I8042.AuxData | I8042.Timeout, status & (I8042.OutputFull | I8042.AuxData | I8042.Timeout));
            Assert.True(_irq12.Level);
            Assert.False(_irq1.Level);
            Assert.Equal(I8042.NoDeviceReply, In(0x60));
            Assert.False(_irq12.Level);
        }

        [Fact]
        public void LinuxCheckAux_LoopTestAndEnableBits()
        {
            Assert.Equal(0x5A, CommandWithReply(0xD3, 0x5A)); // AUX_LOOP
            Command(0xA7);
            Assert.Equal(I8042.AuxDisabled, CommandWithReply(0x20) & I8042.AuxDisabled);
            Command(0xA8);
            Assert.Equal(0, CommandWithReply(0x20) & I8042.AuxDisabled);
            Command(0x60);
            Data(0x47);
            Command(0xD3); // AUX_LOOP without reading the reply: the IRQ test
            Data(0xA5);
            Assert.True(_irq12.Level);
            Assert.Equal(I8042.AuxData, Status() & I8042.AuxData);
            Assert.Equal(0xA5, In(0x60));
        }

        [Fact]
        public void InterfaceTestsPass()
        {
            Assert.Equal(0x00, CommandWithReply(0xAB));
            Assert.Equal(0x00, CommandWithReply(0xA9));
        }

        [Fact]
        public void KeyboardEnableAndDisableBits()
        {
            Command(0xAD);
            Assert.Equal(I8042.KeyboardDisabled, _kbc.CommandByte & I8042.KeyboardDisabled);
            Command(0xAE);
            Assert.Equal(0, _kbc.CommandByte & I8042.KeyboardDisabled);
        }

        [Fact]
        public void RepliesQueueBehindTheOutputBuffer()
        {
            Command(0xAA);
            Command(0x20);
            Assert.Equal(0x55, In(0x60));
            Assert.Equal(I8042.OutputFull, Status() & I8042.OutputFull);
            Assert.Equal(0x65, In(0x60));
            Assert.Equal(0, Status() & I8042.OutputFull);
        }

        [Fact]
        public void WriteKeyboardOutputBufferRaisesIrq1AsKeyboardData()
        {
            Command(0xD2);
            Data(0x1C);
            Assert.True(_irq1.Level);
            Assert.Equal(0, Status() & (I8042.AuxData | I8042.Timeout));
            Assert.Equal(0x1C, In(0x60));
        }

        [Fact]
        public void ControllerRamBytes()
        {
            Command(0x65);
            Data(0x99);
            Assert.Equal(0x99, CommandWithReply(0x25));
        }

        [Fact]
        public void UnknownCommandsAndEmptyReadsAreHarmless()
        {
            Command(0x12);
            Command(0xC8);
            Assert.Equal(0, Status() & I8042.OutputFull);
            In(0x60);
            Assert.Equal(0, Status() & I8042.OutputFull);
        }

        [Fact]
        public void UnwiredControllerWorks()
        {
            I8042 kbc = new I8042(null, null, null);
            kbc.Write(4, 1, 0xFE);
            kbc.Write(0, 1, 0xF2);
            Assert.Equal(I8042.NoDeviceReply, (byte)kbc.Read(0, 1));
            Assert.Equal(1, kbc.ResetCount);
        }
    }
}
