// The 8042 keyboard controller (data port 0x60, status/command port 0x64) with nothing plugged
// into its keyboard or auxiliary (mouse) port. The controller itself works: self-test (0xAA ->
// 0x55), interface tests, the command byte and its RAM, port enable/disable, the output port (its
// bit 0 is the CPU reset line: command 0xFE, or 0xD1 with bit 0 clear, pulses it and records a
// DeviceRequest.Reset; bit 1 is the A20 gate), and the 0xD2/0xD3 loop-backs Linux uses to test the
// auxiliary port and its IRQ. A byte sent to either device is answered at once as a device that
// does not clock: 0xFE with the time-out bit set, so drivers find "no device" without waiting.
// Offsets: 0 is port 0x60, 4 is port 0x64 (claim 0x64 with CommandPort). Pure state machine;
// runs in VMX root on port exits; never allocates after construction.
namespace BareVisor.Core.Devices
{
    public sealed class I8042 : PortDevice
    {
        public const ushort DataPort = 0x60;
        public const ushort StatusPort = 0x64;
        public const byte KeyboardIrq = 1;
        public const byte AuxIrq = 12;

        // Status register.
        public const byte OutputFull = 0x01, InputFull = 0x02, SystemFlag = 0x04, LastWasCommand = 0x08,
            NotInhibited = 0x10, AuxData = 0x20, Timeout = 0x40, ParityError = 0x80;

        // Command byte (controller RAM byte 0).
        public const byte KeyboardInterrupt = 0x01, AuxInterrupt = 0x02, CommandSystemFlag = 0x04,
            KeyboardDisabled = 0x10, AuxDisabled = 0x20, Translate = 0x40;

        // Output port.
        public const byte ResetLine = 0x01, A20Gate = 0x02;

        /// <summary>Commands 0xF0-0xFF pulse the output-port lines whose bits are clear: this one the reset line alone.</summary>
        public const byte PulseResetCommand = 0xFE;

        /// <summary>The reply of a device that never answers (with the time-out status bit).</summary>
        public const byte NoDeviceReply = 0xFE;

        private const int QueueSize = 8;

        private readonly IInterruptLine _keyboardIrq;
        private readonly IInterruptLine _auxIrq;
        private readonly DeviceRequests _requests;
        private readonly byte[] _ram = new byte[32];
        private readonly byte[] _queue = new byte[QueueSize];
        private readonly byte[] _queueStatus = new byte[QueueSize]; // AuxData/Timeout bits per byte
        private int _queueHead;
        private int _queueCount;
        private byte _byteStatus;    // AuxData/Timeout of the byte last moved to the output buffer
        private bool _outputFull;
        private byte _outputBuffer;
        private byte _pendingCommand; // a command waiting for its data byte, or 0
        private bool _lastWasCommand;
        private byte _outputPort = ResetLine | A20Gate;
        private bool _keyboardIrqLevel;
        private bool _auxIrqLevel;

        /// <param name="keyboardIrq">The IRQ 1 wire (null: not wired).</param>
        /// <param name="auxIrq">The IRQ 12 wire (null: not wired).</param>
        /// <param name="requests">Where a pulse of the CPU reset line is recorded (null: nowhere).</param>
        public I8042(IInterruptLine keyboardIrq, IInterruptLine auxIrq, DeviceRequests requests)
        {
            _keyboardIrq = InterruptLines.OrNone(keyboardIrq);
            _auxIrq = InterruptLines.OrNone(auxIrq);
            _requests = requests;
            // As a BIOS leaves it: keyboard interrupt on, system flag set, translation on, mouse port off.
            _ram[0] = KeyboardInterrupt | CommandSystemFlag | AuxDisabled | Translate;
            CommandPort = new PortWindow(this, StatusPort - DataPort, "8042 keyboard controller (command)");
        }

        public override string Name => "8042 keyboard controller";

        /// <summary>The device to claim at port 0x64 (this one claims 0x60).</summary>
        public PortDevice CommandPort { get; }

        public byte CommandByte => _ram[0];
        public bool A20Enabled => (_outputPort & A20Gate) != 0;

        /// <summary>How often the guest pulsed the reset line.</summary>
        public int ResetCount { get; private set; }

        public bool ClaimPorts(PortBus bus) =>
            bus.TryClaim(DataPort, 1, this) && bus.TryClaim(StatusPort, 1, CommandPort);

        public override uint Read(ushort offset, int size)
        {
            if (offset == StatusPort - DataPort)
                return ReadStatus();
            if (offset != 0)
                return 0xFF;
            byte value = _outputBuffer;
            _outputFull = false;
            Refill();
            UpdateInterrupts();
            return value;
        }

        public override void Write(ushort offset, int size, uint value)
        {
            if (offset == StatusPort - DataPort)
            {
                _lastWasCommand = true;
                Command((byte)value);
            }
            else if (offset == 0)
            {
                _lastWasCommand = false;
                Data((byte)value);
            }
            UpdateInterrupts();
        }

        private byte ReadStatus()
        {
            byte status = NotInhibited;
            if (_outputFull)
                status |= (byte)(OutputFull | _byteStatus);
            if ((_ram[0] & CommandSystemFlag) != 0)
                status |= SystemFlag;
            if (_lastWasCommand)
                status |= LastWasCommand;
            return status;
        }

        private void Command(byte command)
        {
            _pendingCommand = 0;
            if (command >= 0x20 && command <= 0x3F)
            {
                Reply(_ram[command & 0x1F], 0);
                return;
            }
            if (command >= 0x60 && command <= 0x7F)
            {
                _pendingCommand = command;
                return;
            }
            if (command >= 0xF0)
            {
                if ((command & ResetLine) == 0)
                    PulseReset(); // e.g. PulseResetCommand
                return;
            }
            switch (command)
            {
                case 0xA7: _ram[0] |= AuxDisabled; break;
                case 0xA8: _ram[0] &= unchecked((byte)~AuxDisabled); break;
                case 0xA9: Reply(0x00, 0); break;            // auxiliary interface test: lines fine
                case 0xAA:                                   // controller self-test
                    _ram[0] |= CommandSystemFlag;
                    Reply(0x55, 0);
                    break;
                case 0xAB: Reply(0x00, 0); break;            // keyboard interface test: lines fine
                case 0xAD: _ram[0] |= KeyboardDisabled; break;
                case 0xAE: _ram[0] &= unchecked((byte)~KeyboardDisabled); break;
                case 0xC0: Reply(0x00, 0); break;            // input port
                case 0xD0: Reply(_outputPort, 0); break;     // output port
                case 0xD1:                                   // write output port
                case 0xD2:                                   // write keyboard output buffer
                case 0xD3:                                   // write auxiliary output buffer
                case 0xD4:                                   // write to the auxiliary device
                    _pendingCommand = command;
                    break;
                case 0xDD: _outputPort &= unchecked((byte)~A20Gate); break;
                case 0xDF: _outputPort |= A20Gate; break;
                case 0xE0: Reply(0x00, 0); break;            // test inputs
                // Anything else is ignored, as the 8042 firmware does with unknown commands.
            }
        }

        private void Data(byte value)
        {
            byte command = _pendingCommand;
            _pendingCommand = 0;
            if (command >= 0x60 && command <= 0x7F)
            {
                _ram[command & 0x1F] = value;
                return;
            }
            switch (command)
            {
                case 0xD1:
                    _outputPort = (byte)(value | ResetLine);
                    if ((value & ResetLine) == 0)
                        PulseReset();
                    break;
                case 0xD2:
                    Reply(value, 0);
                    break;
                case 0xD3:
                    Reply(value, AuxData);
                    break;
                case 0xD4:
                    Reply(NoDeviceReply, AuxData | Timeout); // no mouse
                    break;
                default:
                    // A byte for the keyboard: sending it enables the interface, and nobody answers.
                    _ram[0] &= unchecked((byte)~KeyboardDisabled);
                    Reply(NoDeviceReply, Timeout);
                    break;
            }
        }

        private void PulseReset()
        {
            ResetCount++;
            _requests?.RecordReset(ResetSource.KeyboardController);
        }

        // Queues a byte for the output buffer; `source` is AuxData for the auxiliary port, plus Timeout.
        private void Reply(byte value, byte source)
        {
            if (_queueCount == QueueSize)
                return;
            int at = (_queueHead + _queueCount) % QueueSize;
            _queue[at] = value;
            _queueStatus[at] = source;
            _queueCount++;
            Refill();
        }

        private void Refill()
        {
            if (_outputFull || _queueCount == 0)
                return;
            _outputBuffer = _queue[_queueHead];
            _byteStatus = _queueStatus[_queueHead];
            _queueHead = (_queueHead + 1) % QueueSize;
            _queueCount--;
            _outputFull = true;
        }

        // IRQ 1 follows a full output buffer holding keyboard data while the command byte enables
        // it; IRQ 12 the same for auxiliary data.
        private void UpdateInterrupts()
        {
            bool aux = (_byteStatus & AuxData) != 0;
            bool keyboard = _outputFull && !aux && (_ram[0] & KeyboardInterrupt) != 0;
            bool mouse = _outputFull && aux && (_ram[0] & AuxInterrupt) != 0;
            if (keyboard != _keyboardIrqLevel)
            {
                _keyboardIrqLevel = keyboard;
                _keyboardIrq.Set(keyboard);
            }
            if (mouse != _auxIrqLevel)
            {
                _auxIrqLevel = mouse;
                _auxIrq.Set(mouse);
            }
        }
    }
}
