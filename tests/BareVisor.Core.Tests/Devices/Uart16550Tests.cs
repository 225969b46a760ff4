// Host test code. The 16550A model against the datasheet and the probes Linux's 8250 driver runs.
using System.Collections.Generic;
using BareVisor.Core.Devices;

namespace BareVisor.Core.Tests.Devices
{
    public class Uart16550Tests
    {
        private readonly RecordingInterruptLine _irq = new RecordingInterruptLine();
        private readonly List<byte> _sent = new List<byte>();
        private readonly Uart16550 _uart;

        public Uart16550Tests() => _uart = new Uart16550(_irq, b => _sent.Add(b));

        private byte In(int offset) => (byte)_uart.Read((ushort)offset, 1);
        private void Out(int offset, int value) => _uart.Write((ushort)offset, 1, (uint)value);

        [Fact]
        public void ResetState()
        {
            Assert.Equal(0x01, In(Uart16550.IirFcr));
            Assert.Equal(0x60, In(Uart16550.Lsr));
            Assert.Equal(0, In(Uart16550.IerDlm));
            Assert.Equal(0xB0, In(Uart16550.Msr));
            Assert.False(_irq.Level);
        }

        [Fact]
        public void TransmitGoesToTheSinkAndTheTransmitterStaysEmpty()
        {
            foreach (char c in "hi\n")
                Out(Uart16550.RbrThrDll, c);
            Assert.Equal(new byte[] { (byte)'h', (byte)'i', (byte)'\n' }, _sent.ToArray());
            Assert.Equal(Uart16550.LsrThrEmpty | Uart16550.LsrTransmitterEmpty, In(Uart16550.Lsr));
        }

        [Fact]
        public void DivisorLatchSharesOffsetsZeroAndOneUnderDlab()
        {
            Out(Uart16550.Lcr, 0x83);
            Out(Uart16550.RbrThrDll, 0x01);
            Out(Uart16550.IerDlm, 0x02);
            Assert.Equal(0x01, In(Uart16550.RbrThrDll));
            Assert.Equal(0x02, In(Uart16550.IerDlm));
            Assert.Equal(0x0201, _uart.Divisor);
            Out(Uart16550.Lcr, 0x03);
            Assert.Equal(0x03, In(Uart16550.Lcr));
            Assert.Equal(0, In(Uart16550.IerDlm)); // IER is untouched by the DLM write
            Assert.Empty(_sent);                     // the DLL write did not transmit
        }

        [Fact]
        public void LinuxExistenceProbe_IerKeepsOnlyItsLowNibble()
        {
            Out(Uart16550.IerDlm, 0);
            Assert.Equal(0, In(Uart16550.IerDlm) & 0x0F);
            Out(Uart16550.IerDlm, 0x0F);
            Assert.Equal(0x0F, In(Uart16550.IerDlm) & 0x0F);
            Out(Uart16550.IerDlm, 0xFF);
            Assert.Equal(0x0F, In(Uart16550.IerDlm)); // no UUE bit: not an XScale
        }

        [Fact]
        public void LinuxLoopbackProbe_ModemOutputsFeedTheModemInputs()
        {
            Out(Uart16550.Mcr, Uart16550.McrLoop | 0x0A); // RTS and OUT2
            Assert.Equal(0x90, In(Uart16550.Msr) & 0xF0); // CTS and DCD
            Out(Uart16550.Mcr, Uart16550.McrLoop | 0x05); // DTR and OUT1
            Assert.Equal(0x60, In(Uart16550.Msr) & 0xF0); // DSR and RI
        }

        [Fact]
        public void LoopbackReturnsTransmittedBytesAndDisconnectsTheLines()
        {
            Out(Uart16550.Mcr, Uart16550.McrLoop);
            Out(Uart16550.RbrThrDll, 0x5A);
            Assert.Empty(_sent);
            Assert.True((In(Uart16550.Lsr) & Uart16550.LsrDataReady) != 0);
            Assert.Equal(0x5A, In(Uart16550.RbrThrDll));
            Assert.Equal(0, _uart.ReceiveSpace);
            Assert.False(_uart.Receive(0x41));
            Out(Uart16550.Mcr, 0);
            Assert.Equal(1, _uart.ReceiveSpace);
        }

        [Fact]
        public void FifoDetection_IirTopBitsAndFifoOnlyBits()
        {
            Out(Uart16550.IirFcr, Uart16550.FcrEnable);
            Assert.Equal(3, In(Uart16550.IirFcr) >> 6);   // 16550A
            Out(Uart16550.IirFcr, Uart16550.FcrEnable | 0x20); // 64-byte FIFO bit of a 16750
            Assert.Equal(6, In(Uart16550.IirFcr) >> 5);   // bit 5 stays clear: not a 16750
            Out(Uart16550.IirFcr, 0);
            Assert.Equal(0, In(Uart16550.IirFcr) >> 6);
        }

        [Fact]
        public void ScratchRegisterHoldsItsValue()
        {
            Out(Uart16550.Scr, 0xA5);
            Assert.Equal(0xA5, In(Uart16550.Scr));
            Out(Uart16550.Scr, 0x5A);
            Assert.Equal(0x5A, In(Uart16550.Scr));
        }

        [Fact]
        public void ReceiveFifoHoldsSixteenBytesThenOverruns()
        {
            Out(Uart16550.IirFcr, Uart16550.FcrEnable);
            for (int i = 0; i < 16; i++)
                Assert.True(_uart.Receive((byte)i));
            Assert.Equal(0, _uart.ReceiveSpace);
            Assert.False(_uart.Receive(0xEE));
            byte lsr = In(Uart16550.Lsr);
            Assert.Equal(Uart16550.LsrOverrun | Uart16550.LsrDataReady, lsr & 0x03);
            Assert.Equal(0, In(Uart16550.Lsr) & Uart16550.LsrOverrun); // reading LSR cleared OE
            for (int i = 0; i < 16; i++)
                Assert.Equal(i, In(Uart16550.RbrThrDll));                // the overrun byte was lost
            Assert.Equal(0, In(Uart16550.Lsr) & Uart16550.LsrDataReady);
        }

        [Fact]
        public void WithoutFifosTheHoldingRegisterIsOverwrittenOnOverrun()
        {
            Assert.True(_uart.Receive(1));
            Assert.True(_uart.Receive(2));
            Assert.Equal(Uart16550.LsrOverrun | Uart16550.LsrDataReady, In(Uart16550.Lsr) & 0x03);
            Assert.Equal(2, In(Uart16550.RbrThrDll));
        }

        [Fact]
        public void FcrClearsTheReceiveFifo()
        {
            Out(Uart16550.IirFcr, Uart16550.FcrEnable);
            _uart.Receive(1);
            _uart.Receive(2);
            Out(Uart16550.IirFcr, Uart16550.FcrEnable | Uart16550.FcrClearReceive);
            Assert.Equal(0, _uart.ReceivedCount);
            Assert.Equal(0, In(Uart16550.Lsr) & Uart16550.LsrDataReady);
        }

        [Fact]
        public void Out2GatesTheInterruptLine()
        {
            Out(Uart16550.IerDlm, Uart16550.IerReceivedData);
            _uart.Receive(0x41);
            Assert.Equal(Uart16550.IirReceivedData, In(Uart16550.IirFcr));
            Assert.False(_irq.Level); // pending inside the UART, but OUT2 is off
            Out(Uart16550.Mcr, Uart16550.McrOut2);
            Assert.True(_irq.Level);
            In(Uart16550.RbrThrDll);
            Assert.False(_irq.Level);
            Assert.Equal(Uart16550.IirNone, In(Uart16550.IirFcr));
        }

        [Fact]
        public void LoopbackClosesTheIrqGate()
        {
            Out(Uart16550.Mcr, Uart16550.McrOut2 | Uart16550.McrLoop);
            Out(Uart16550.IerDlm, Uart16550.IerReceivedData);
            Out(Uart16550.RbrThrDll, 0x33);
            Assert.Equal(Uart16550.IirReceivedData, In(Uart16550.IirFcr));
            Assert.False(_irq.Level);
        }

        [Fact]
        public void ThrEmptyInterrupt_RaisedOnEnableClearedByIirReadRearmedByWrite()
        {
            Out(Uart16550.Mcr, Uart16550.McrOut2);
            Out(Uart16550.IerDlm, Uart16550.IerThrEmpty);
            Assert.True(_irq.Level);
            Assert.Equal(Uart16550.IirThrEmpty, In(Uart16550.IirFcr));
            Assert.False(_irq.Level);
            Assert.Equal(Uart16550.IirNone, In(Uart16550.IirFcr));
            Out(Uart16550.RbrThrDll, (byte)'x');
            Assert.True(_irq.Level);
            Assert.Equal(2, _irq.RisingEdges);
            Out(Uart16550.IerDlm, 0);
            Assert.False(_irq.Level);
        }

        [Fact]
        public void LinuxThreTest_ReenablingThriReassertsTheInterrupt()
        {
            Out(Uart16550.IerDlm, Uart16550.IerThrEmpty);
            byte iir1 = In(Uart16550.IirFcr);
            Out(Uart16550.IerDlm, 0);
            Out(Uart16550.IerDlm, Uart16550.IerThrEmpty);
            byte iir = In(Uart16550.IirFcr);
            Out(Uart16550.IerDlm, 0);
            Assert.Equal(0, iir1 & Uart16550.IirNone);
            Assert.Equal(0, iir & Uart16550.IirNone); // a UART with the THRE bug would report "none"
        }

        [Fact]
        public void InterruptPriority_LineStatusThenDataThenThrThenModem()
        {
            Out(Uart16550.IerDlm, 0x0F);
            Out(Uart16550.Mcr, Uart16550.McrLoop); // the lines drop: delta CTS, DSR, DCD
            Out(Uart16550.RbrThrDll, 1);                              // data, and THR empty again
            Out(Uart16550.RbrThrDll, 2);                              // overrun: no FIFO
            Assert.Equal(Uart16550.IirLineStatus, In(Uart16550.IirFcr));
            In(Uart16550.Lsr);
            Assert.Equal(Uart16550.IirReceivedData, In(Uart16550.IirFcr));
            In(Uart16550.RbrThrDll);
            Assert.Equal(Uart16550.IirThrEmpty, In(Uart16550.IirFcr));
            Assert.Equal(Uart16550.IirModemStatus, In(Uart16550.IirFcr));
            Assert.Equal(Uart16550.MsrDeltaCts | Uart16550.MsrDeltaDsr | Uart16550.MsrDeltaDcd, In(Uart16550.Msr));
            Assert.Equal(Uart16550.IirNone, In(Uart16550.IirFcr));
        }

        [Fact]
        public void ReceivedDataBelowTheTriggerReportsTimeoutAtOrAboveReportsData()
        {
            Out(Uart16550.IirFcr, Uart16550.FcrEnable | 0x40); // trigger at 4 bytes
            Out(Uart16550.IerDlm, Uart16550.IerReceivedData);
            _uart.Receive(1);
            Assert.Equal(Uart16550.IirCharacterTimeout | Uart16550.IirFifosEnabled, In(Uart16550.IirFcr));
            _uart.Receive(2);
            _uart.Receive(3);
            _uart.Receive(4);
            Assert.Equal(Uart16550.IirReceivedData | Uart16550.IirFifosEnabled, In(Uart16550.IirFcr));
        }

        [Fact]
        public void TrailingEdgeOfRingIndicator()
        {
            Out(Uart16550.Mcr, Uart16550.McrLoop | Uart16550.McrOut1);
            In(Uart16550.Msr);
            Out(Uart16550.Mcr, Uart16550.McrLoop);
            Assert.Equal(Uart16550.MsrTrailingEdgeRi, In(Uart16550.Msr) & 0x0F);
        }

        [Fact]
        public void ModemStatusInterruptClearedByReadingMsr()
        {
            Out(Uart16550.IerDlm, Uart16550.IerModemStatus);
            Out(Uart16550.Mcr, Uart16550.McrOut2);
            // Loopback with only OUT2: CTS and DSR drop, DCD stays up (OUT2 drives it).
            Out(Uart16550.Mcr, Uart16550.McrOut2 | Uart16550.McrLoop);
            Assert.Equal(Uart16550.IirModemStatus, In(Uart16550.IirFcr));
            Assert.Equal(Uart16550.MsrDeltaCts | Uart16550.MsrDeltaDsr | Uart16550.MsrDcd, In(Uart16550.Msr));
            Assert.Equal(Uart16550.IirNone, In(Uart16550.IirFcr));
            Out(Uart16550.Mcr, Uart16550.McrOut2); // back out of loopback: the IRQ gate opens again
            Assert.Equal(Uart16550.IirModemStatus, In(Uart16550.IirFcr));
            Assert.True(_irq.Level);
        }

        [Fact]
        public void LinuxSizeFifoCountsSixteenInLoopback()
        {
            Out(Uart16550.IirFcr, Uart16550.FcrEnable | Uart16550.FcrClearReceive | Uart16550.FcrClearTransmit);
            Out(Uart16550.Mcr, Uart16550.McrLoop);
            for (int i = 0; i < 256; i++)
                Out(Uart16550.RbrThrDll, i);
            int count = 0;
            while ((In(Uart16550.Lsr) & Uart16550.LsrDataReady) != 0 && count < 256)
            {
                In(Uart16550.RbrThrDll);
                count++;
            }
            Assert.Equal(16, count);
        }

        [Fact]
        public void UnwiredUartAndNullSinkAreHarmless()
        {
            Uart16550 uart = new Uart16550(null, null);
            uart.Write(Uart16550.Mcr, 1, Uart16550.McrOut2);
            uart.Write(Uart16550.IerDlm, 1, 0x0F);
            uart.Write(Uart16550.RbrThrDll, 1, 0x41);
            Assert.True(uart.InterruptLevel);
        }

        [Fact]
        public void ClaimsComOnePorts()
        {
            PortBus bus = new PortBus();
            Assert.True(_uart.ClaimPorts(bus));
            Assert.True(bus.TryWrite(0x3FF, 1, 0x12));
            Assert.True(bus.TryRead(0x3FF, 1, out uint scratch));
            Assert.Equal(0x12u, scratch);
            Assert.False(bus.TryRead(0x400, 1, out _));
        }
    }
}
