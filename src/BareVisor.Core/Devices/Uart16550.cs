// A 16550A UART as wired on a PC (COM1: ports 0x3F8-0x3FF, IRQ 4). Pure state machine; runs in
// VMX root on port exits; never allocates after construction.
//
// The transmitter is infinitely fast: a byte written to THR goes to the sink at once, so THRE and
// TEMT always read 1 and the "THR empty" interrupt is re-armed by every write. Host input is pushed
// with Receive into a 16-byte FIFO (one byte with FIFOs off); a byte that does not fit sets OE.
// Received-data interrupts are raised as soon as data is waiting: with FIFOs on, a FIFO below its
// trigger level reports the character-timeout ID (0x0C) at once rather than after four character
// times. The IRQ pin reaches the PC's interrupt line only while MCR.OUT2 is set and loopback is
// off (loopback forces the OUT2 pin inactive, which closes the PC's IRQ gate).
using System;

namespace BareVisor.Core.Devices
{
    public sealed class Uart16550 : PortDevice
    {
        public const ushort Com1Port = 0x3F8;
        public const byte Com1Irq = 4;
        public const ushort PortCount = 8;
        public const int FifoSize = 16;

        // Register offsets.
        public const int RbrThrDll = 0, IerDlm = 1, IirFcr = 2, Lcr = 3, Mcr = 4, Lsr = 5, Msr = 6, Scr = 7;

        // IER bits.
        public const byte IerReceivedData = 0x01, IerThrEmpty = 0x02, IerLineStatus = 0x04, IerModemStatus = 0x08;

        // IIR values (bit 0 set: nothing pending; bits 6-7: FIFOs enabled).
        public const byte IirNone = 0x01, IirLineStatus = 0x06, IirReceivedData = 0x04, IirCharacterTimeout = 0x0C,
            IirThrEmpty = 0x02, IirModemStatus = 0x00, IirFifosEnabled = 0xC0;

        // FCR bits.
        public const byte FcrEnable = 0x01, FcrClearReceive = 0x02, FcrClearTransmit = 0x04;

        // LCR and MCR bits.
        public const byte LcrDlab = 0x80;
        public const byte McrDtr = 0x01, McrRts = 0x02, McrOut1 = 0x04, McrOut2 = 0x08, McrLoop = 0x10;

        // LSR bits.
        public const byte LsrDataReady = 0x01, LsrOverrun = 0x02, LsrParity = 0x04, LsrFraming = 0x08, LsrBreak = 0x10,
            LsrThrEmpty = 0x20, LsrTransmitterEmpty = 0x40, LsrFifoError = 0x80;

        // MSR bits: deltas in 0-3, line states in 4-7.
        public const byte MsrDeltaCts = 0x01, MsrDeltaDsr = 0x02, MsrTrailingEdgeRi = 0x04, MsrDeltaDcd = 0x08,
            MsrCts = 0x10, MsrDsr = 0x20, MsrRi = 0x40, MsrDcd = 0x80;

        /// <summary>The modem inputs outside loopback: the host side is always "connected" (CTS, DSR, DCD).</summary>
        public const byte ExternalModemLines = MsrCts | MsrDsr | MsrDcd;

        private static readonly byte[] s_triggerLevels = { 1, 4, 8, 14 };

        private readonly IInterruptLine _irq;
        private readonly Action<byte> _output;
        private readonly byte[] _fifo = new byte[FifoSize];
        private int _fifoHead;
        private int _fifoCount;
        private byte _lastReceived;

        private byte _ier;
        private byte _fcr;      // last FCR written (bit 0: FIFOs enabled; bits 6-7: trigger)
        private byte _lcr;
        private byte _mcr;
        private byte _lineErrors; // LSR bits 1-4
        private byte _msrDeltas;  // MSR bits 0-3
        private byte _scr;
        private ushort _divisor = 12; // 9600 baud from the 1.8432 MHz clock
        private bool _thrEmptyPending;
        private bool _irqLevel;

        /// <param name="irq">The IRQ 4 wire (null: not wired).</param>
        /// <param name="output">Receives each byte the guest transmits (outside loopback).</param>
        public Uart16550(IInterruptLine irq, Action<byte> output)
        {
            _irq = InterruptLines.OrNone(irq);
            _output = output;
        }

        public override string Name => "16550A UART";

        /// <summary>Claims the eight ports from `basePort` (COM1: 0x3F8); false if any is taken.</summary>
        public bool ClaimPorts(PortBus bus, ushort basePort = Com1Port) => bus.TryClaim(basePort, PortCount, this);

        public bool FifosEnabled => (_fcr & FcrEnable) != 0;
        public bool Loopback => (_mcr & McrLoop) != 0;
        public ushort Divisor => _divisor;
        public byte LineControl => _lcr;
        public byte ModemControl => _mcr;
        public byte InterruptEnable => _ier;

        /// <summary>The level the device drives on its interrupt wire now (after the OUT2 gate).</summary>
        public bool InterruptLevel => _irqLevel;

        /// <summary>How many bytes Receive can take without an overrun; 0 in loopback (the input is disconnected).</summary>
        public int ReceiveSpace => Loopback ? 0 : ReceiveCapacity - _fifoCount;

        public int ReceivedCount => _fifoCount;

        private int ReceiveCapacity => FifosEnabled ? FifoSize : 1;

        /// <summary>
        /// A byte arriving on the serial input. False when it was dropped: in loopback (the input is
        /// disconnected), or on an overrun with FIFOs on (the FIFO keeps its bytes, OE is set). With
        /// FIFOs off an overrun replaces the unread byte, sets OE, and returns true.
        /// </summary>
        public bool Receive(byte value)
        {
            if (Loopback)
                return false;
            bool stored = Store(value);
            UpdateInterrupt();
            return stored;
        }

        public override uint Read(ushort offset, int size)
        {
            byte value = ReadRegister(offset);
            UpdateInterrupt();
            return value;
        }

        public override void Write(ushort offset, int size, uint value)
        {
            WriteRegister(offset, (byte)value);
            UpdateInterrupt();
        }

        private byte ReadRegister(ushort offset)
        {
            switch (offset)
            {
                case RbrThrDll:
                    return (_lcr & LcrDlab) != 0 ? (byte)_divisor : Pop();
                case IerDlm:
                    return (_lcr & LcrDlab) != 0 ? (byte)(_divisor >> 8) : _ier;
                case IirFcr:
                    return ReadIir();
                case Lcr:
                    return _lcr;
                case Mcr:
                    return _mcr;
                case Lsr:
                    return ReadLsr();
                case Msr:
                    return ReadMsr();
                case Scr:
                    return _scr;
                default:
                    return 0xFF;
            }
        }

        private void WriteRegister(ushort offset, byte value)
        {
            switch (offset)
            {
                case RbrThrDll:
                    if ((_lcr & LcrDlab) != 0)
                        _divisor = (ushort)((_divisor & 0xFF00) | value);
                    else
                        Transmit(value);
                    break;
                case IerDlm:
                    if ((_lcr & LcrDlab) != 0)
                        _divisor = (ushort)((_divisor & 0x00FF) | (value << 8));
                    else
                        WriteIer(value);
                    break;
                case IirFcr:
                    WriteFcr(value);
                    break;
                case Lcr:
                    _lcr = value;
                    break;
                case Mcr:
                    WriteMcr(value);
                    break;
                case Scr:
                    _scr = value;
                    break;
                // LSR and MSR writes are factory-test only on the 16550A: ignored.
            }
        }

        private void Transmit(byte value)
        {
            if (Loopback)
                Store(value);
            else
                _output?.Invoke(value);
            _thrEmptyPending = true; // the byte left THR at once
        }

        private void WriteIer(byte value)
        {
            byte old = _ier;
            _ier = (byte)(value & 0x0F);
            // A 16550 raises "THR empty" when that interrupt is enabled while THR is empty (Linux
            // checks this at start-up); disabling it drops the pending request.
            if ((_ier & IerThrEmpty) == 0)
                _thrEmptyPending = false;
            else if ((old & IerThrEmpty) == 0)
                _thrEmptyPending = true;
        }

        private void WriteFcr(byte value)
        {
            bool wasEnabled = FifosEnabled;
            bool enable = (value & FcrEnable) != 0;
            if (enable != wasEnabled || (value & FcrClearReceive) != 0)
                ClearReceiveFifo();
            // Bits 1-2 self-clear; bit 3 (DMA mode) has no effect here; bits 4-5 are reserved.
            _fcr = (byte)(value & 0xC9);
            if (!enable)
                _fcr = 0;
        }

        private void WriteMcr(byte value)
        {
            byte before = ModemLines();
            _mcr = (byte)(value & 0x1F);
            byte after = ModemLines();
            byte changed = (byte)(before ^ after);
            if ((changed & MsrCts) != 0)
                _msrDeltas |= MsrDeltaCts;
            if ((changed & MsrDsr) != 0)
                _msrDeltas |= MsrDeltaDsr;
            if ((changed & MsrDcd) != 0)
                _msrDeltas |= MsrDeltaDcd;
            if ((before & MsrRi) != 0 && (after & MsrRi) == 0)
                _msrDeltas |= MsrTrailingEdgeRi;
        }

        // MSR bits 4-7: in loopback, RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD.
        private byte ModemLines()
        {
            if (!Loopback)
                return ExternalModemLines;
            byte lines = 0;
            if ((_mcr & McrRts) != 0)
                lines |= MsrCts;
            if ((_mcr & McrDtr) != 0)
                lines |= MsrDsr;
            if ((_mcr & McrOut1) != 0)
                lines |= MsrRi;
            if ((_mcr & McrOut2) != 0)
                lines |= MsrDcd;
            return lines;
        }

        private byte ReadIir()
        {
            byte id = HighestPendingInterrupt();
            // Reading IIR while it reports "THR empty" clears that source.
            if (id == IirThrEmpty)
                _thrEmptyPending = false;
            return FifosEnabled ? (byte)(id | IirFifosEnabled) : id;
        }

        private byte ReadLsr()
        {
            byte value = (byte)(LsrThrEmpty | LsrTransmitterEmpty | _lineErrors);
            if (_fifoCount > 0)
                value |= LsrDataReady;
            _lineErrors = 0; // reading LSR clears OE, PE, FE and BI
            return value;
        }

        private byte ReadMsr()
        {
            byte value = (byte)(ModemLines() | _msrDeltas);
            _msrDeltas = 0;
            return value;
        }

        /// <summary>The IIR interrupt ID by the 16550's priority: line status, received data, THR empty, modem status.</summary>
        private byte HighestPendingInterrupt()
        {
            if ((_ier & IerLineStatus) != 0 && _lineErrors != 0)
                return IirLineStatus;
            if ((_ier & IerReceivedData) != 0 && _fifoCount > 0)
            {
                if (!FifosEnabled || _fifoCount >= s_triggerLevels[_fcr >> 6])
                    return IirReceivedData;
                return IirCharacterTimeout;
            }
            if ((_ier & IerThrEmpty) != 0 && _thrEmptyPending)
                return IirThrEmpty;
            if ((_ier & IerModemStatus) != 0 && _msrDeltas != 0)
                return IirModemStatus;
            return IirNone;
        }

        private void UpdateInterrupt()
        {
            bool gateOpen = (_mcr & McrOut2) != 0 && !Loopback;
            bool level = gateOpen && HighestPendingInterrupt() != IirNone;
            if (level == _irqLevel)
                return;
            _irqLevel = level;
            _irq.Set(level);
        }

        private bool Store(byte value)
        {
            if (_fifoCount < ReceiveCapacity)
            {
                _fifo[(_fifoHead + _fifoCount) % FifoSize] = value;
                _fifoCount++;
                return true;
            }
            _lineErrors |= LsrOverrun;
            if (FifosEnabled)
                return false; // the shift register's byte is lost; the FIFO keeps its contents
            _fifo[_fifoHead] = value; // the holding register is overwritten
            return true;
        }

        private byte Pop()
        {
            if (_fifoCount == 0)
                return _lastReceived;
            _lastReceived = _fifo[_fifoHead];
            _fifoHead = (_fifoHead + 1) % FifoSize;
            _fifoCount--;
            return _lastReceived;
        }

        private void ClearReceiveFifo()
        {
            _fifoHead = 0;
            _fifoCount = 0;
        }
    }
}
