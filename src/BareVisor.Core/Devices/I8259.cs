// One 8259A programmable interrupt controller in x86 mode: its two ports (offset 0: ICW1, OCW2,
// OCW3 and IRR/ISR/poll reads; offset 1: ICW2-4, OCW1 and IMR reads), eight request inputs,
// edge or level sensing per input (ICW1.LTIM or the ELCR), fully nested and rotating priority,
// special mask mode, automatic EOI and the poll command. I8259Pic wires a master and a slave.
// Pure state machine; runs in VMX root on port exits; never allocates after construction.
namespace BareVisor.Core.Devices
{
    public sealed class I8259 : PortDevice
    {
        public const ushort PortCount = 2;

        private readonly string _name;
        private readonly byte _elcrWritableMask;
        private readonly bool _isMaster;

        private byte _irr;
        private byte _isr;
        private byte _imr;
        private byte _inputs;        // levels on the eight request wires
        private byte _elcr;          // 1: level-triggered input
        private byte _vectorBase;    // ICW2 & 0xF8
        private byte _cascade;       // ICW3: slave inputs (master) or cascade identity (slave)
        private int _highestPriorityInput; // 0 after initialisation; rotation moves it
        private int _initStep;       // 0: initialised; 2, 3, 4: next ICW expected on offset 1
        private bool _needIcw4;
        private bool _single;
        private bool _levelTriggered; // ICW1.LTIM
        private bool _autoEoi;
        private bool _rotateOnAutoEoi;
        private bool _specialFullyNested;
        private bool _specialMask;
        private bool _readIsr;
        private bool _pollPending;

        internal I8259(string name, bool isMaster, byte elcrWritableMask)
        {
            _name = name;
            _isMaster = isMaster;
            _elcrWritableMask = elcrWritableMask;
        }

        public override string Name => _name;

        public byte RequestRegister => _irr;
        public byte InServiceRegister => _isr;
        public byte MaskRegister => _imr;
        public byte VectorBase => _vectorBase;
        public byte CascadeRegister => _cascade;
        public bool AutoEoi => _autoEoi;
        public bool Initialising => _initStep != 0;

        /// <summary>The ELCR bits for this chip's inputs (1: level-triggered); read-only bits stay 0.</summary>
        public byte EdgeLevelControl
        {
            get => _elcr;
            set
            {
                _elcr = (byte)(value & _elcrWritableMask);
                byte level = LevelTriggeredInputs();
                _irr = (byte)((_irr & ~level) | (_inputs & level));
            }
        }

        // Told after every access that can change the INT output, so the pair can follow it.
        internal I8259Pic Owner;

        /// <summary>True when some unmasked request outranks everything in service (the INT output).</summary>
        public bool HasInterrupt => PendingInput() >= 0;

        public override uint Read(ushort offset, int size)
        {
            if (offset == 1)
                return _imr;
            if (!_pollPending)
                return _readIsr ? _isr : _irr;
            uint polled = Poll();
            Owner?.Update();
            return polled;
        }

        public override void Write(ushort offset, int size, uint value)
        {
            WriteRegister(offset, (byte)value);
            Owner?.Update();
        }

        // The poll command: the read acts as INTA and returns bit 7 set with the input's number, or 0.
        private uint Poll()
        {
            _pollPending = false;
            int input = PendingInput();
            if (input < 0)
                return 0;
            Acknowledge(input);
            return (uint)(0x80 | input);
        }

        private void WriteRegister(ushort offset, byte data)
        {
            if (offset == 0)
            {
                if ((data & 0x10) != 0)
                    WriteIcw1(data);
                else if ((data & 0x08) != 0)
                    WriteOcw3(data);
                else
                    WriteOcw2(data);
                return;
            }
            switch (_initStep)
            {
                case 2:
                    _vectorBase = (byte)(data & 0xF8);
                    _initStep = !_single ? 3 : _needIcw4 ? 4 : 0;
                    break;
                case 3:
                    _cascade = data;
                    _initStep = _needIcw4 ? 4 : 0;
                    break;
                case 4:
                    _autoEoi = (data & 0x02) != 0;
                    _specialFullyNested = (data & 0x10) != 0;
                    _initStep = 0;
                    break;
                default:
                    _imr = data; // OCW1
                    break;
            }
        }

        /// <summary>Drives request input `input` (0-7). Edge inputs latch a request on a rising level.</summary>
        public void SetInput(int input, bool level)
        {
            byte bit = (byte)(1 << input);
            bool wasHigh = (_inputs & bit) != 0;
            if (level)
            {
                _inputs |= bit;
                if (!wasHigh || IsLevelTriggered(bit))
                    _irr |= bit;
            }
            else
            {
                _inputs &= (byte)~bit;
                if (IsLevelTriggered(bit))
                    _irr &= (byte)~bit; // a level request withdrawn before INTA disappears
            }
        }

        /// <summary>The input INTA would service now, or -1.</summary>
        public int PendingInput()
        {
            int request = HighestPriority((byte)(_irr & ~_imr));
            if (request < 0)
                return -1;
            byte blocking = _specialMask ? (byte)(_isr & ~_imr) : _isr;
            int inService = HighestPriority(blocking);
            if (inService < 0 || Rank(request) < Rank(inService))
                return request;
            // Special fully nested mode: a master lets a slave interrupt again while that slave's
            // input is in service, so the slave's own priorities decide.
            bool slaveNests = _isMaster && _specialFullyNested && request == inService && (_cascade & (1 << request)) != 0;
            return slaveNests ? request : -1;
        }

        /// <summary>The INTA cycle for `input`: marks it in service (or performs the automatic EOI) and clears an edge request.</summary>
        public void Acknowledge(int input)
        {
            byte bit = (byte)(1 << input);
            if (_autoEoi)
            {
                if (_rotateOnAutoEoi)
                    _highestPriorityInput = (input + 1) & 7;
            }
            else
            {
                _isr |= bit;
            }
            if (!IsLevelTriggered(bit))
                _irr &= (byte)~bit;
        }

        private void WriteIcw1(byte data)
        {
            _needIcw4 = (data & 0x01) != 0;
            _single = (data & 0x02) != 0;
            _levelTriggered = (data & 0x08) != 0;
            _initStep = 2;
            // Initialisation clears the mask, the in-service and request state (the edge sense
            // circuit resets: a request needs a new rising edge), special mask mode and priority
            // rotation, and selects IRR for reads; without ICW4, ICW4's functions are cleared.
            _imr = 0;
            _isr = 0;
            _irr = (byte)(_inputs & LevelTriggeredInputs());
            _highestPriorityInput = 0;
            _specialMask = false;
            _readIsr = false;
            _pollPending = false;
            _rotateOnAutoEoi = false;
            _autoEoi = false;
            _specialFullyNested = false;
        }

        private void WriteOcw2(byte data)
        {
            int level = data & 7;
            switch (data >> 5)
            {
                case 0: // rotate in automatic EOI mode: clear
                    _rotateOnAutoEoi = false;
                    break;
                case 4: // rotate in automatic EOI mode: set
                    _rotateOnAutoEoi = true;
                    break;
                case 1: // non-specific EOI
                case 5: // rotate on non-specific EOI
                    int highest = HighestPriority(_isr);
                    if (highest < 0)
                        break;
                    _isr &= (byte)~(1 << highest);
                    if ((data >> 5) == 5)
                        _highestPriorityInput = (highest + 1) & 7;
                    break;
                case 3: // specific EOI
                    _isr &= (byte)~(1 << level);
                    break;
                case 7: // rotate on specific EOI
                    _isr &= (byte)~(1 << level);
                    _highestPriorityInput = (level + 1) & 7;
                    break;
                case 6: // set priority: `level` becomes the lowest
                    _highestPriorityInput = (level + 1) & 7;
                    break;
                // case 2: no operation
            }
        }

        private void WriteOcw3(byte data)
        {
            if ((data & 0x04) != 0)
                _pollPending = true;
            if ((data & 0x02) != 0)
                _readIsr = (data & 0x01) != 0;
            if ((data & 0x40) != 0)
                _specialMask = (data & 0x20) != 0;
        }

        private bool IsLevelTriggered(byte bit) => _levelTriggered || (_elcr & bit) != 0;

        private byte LevelTriggeredInputs() => _levelTriggered ? (byte)0xFF : _elcr;

        // 0 for the highest-priority input, 7 for the lowest.
        private int Rank(int input) => (input - _highestPriorityInput) & 7;

        private int HighestPriority(byte bits)
        {
            if (bits == 0)
                return -1;
            for (int rank = 0; rank < 8; rank++)
            {
                int input = (rank + _highestPriorityInput) & 7;
                if ((bits & (1 << input)) != 0)
                    return input;
            }
            return -1;
        }
    }
}
