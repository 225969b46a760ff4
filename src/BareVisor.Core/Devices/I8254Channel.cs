// One counter of the 8254 interval timer. Time is the owning I8254Pit's tick count (1.193182 MHz),
// passed to every method, so the counter's value and OUT level are functions of the time since
// counting started: nothing is stepped tick by tick. Counting starts on the tick the count is
// written (the real part waits one CLK edge). In modes 2 and 3 a count written while counting
// takes effect at the end of the current period. Pure state machine; runs in VMX root on port
// exits; never allocates.
namespace BareVisor.Core.Devices
{
    public sealed class I8254Channel
    {
        private enum State
        {
            Idle,     // control word written, no count yet
            Waiting,  // modes 1 and 5: count written, waiting for a gate trigger
            Running,
            Paused,   // gate low: modes 0 and 4 hold their count; modes 2 and 3 stop with OUT high
        }

        // The 8254's power-up state is undefined; this one starts idle in mode 0 with OUT low, so
        // nothing fires until the guest programs the counter.
        private State _state = State.Idle;
        private byte _control = 0x30;   // bits 5-0 of the last control word (as the status byte shows them)
        private int _mode;
        private bool _bcd;
        private int _access = 3;        // 1: LSB, 2: MSB, 3: LSB then MSB
        private uint _countRegister;    // the last count written (1-65536, or 1-10000 in BCD)
        private uint _count;            // the count the counting element runs with
        private ulong _start;           // tick at which the current count started (elapsed 0)
        private ulong _pausedElapsed;
        private bool _reloadPending;    // modes 2 and 3: _countRegister takes over at _reloadAt
        private ulong _reloadAt;
        private bool _nullCount = true;
        private bool _gate;

        private bool _writeMsbNext;
        private byte _writeLsb;
        private bool _readMsbNext;
        private bool _countLatched;
        private ushort _latchedCount;
        private bool _statusLatched;
        private byte _latchedStatus;

        internal I8254Channel(bool gate) => _gate = gate;

        public int Mode => _mode;
        public bool Gate => _gate;

        /// <summary>The count in use, in input clock ticks (0 before one is written).</summary>
        public uint Count => _count;

        /// <summary>A control word with this counter selected: mode, access and BCD; stops the counter.</summary>
        public void Program(byte controlWord)
        {
            _control = (byte)(controlWord & 0x3F);
            _access = (controlWord >> 4) & 3;
            _mode = (controlWord >> 1) & 7;
            if (_mode >= 6)
                _mode -= 4; // 110 and 111 are modes 2 and 3
            _bcd = (controlWord & 1) != 0;
            _state = State.Idle;
            _reloadPending = false;
            _nullCount = true;
            _writeMsbNext = false;
            _readMsbNext = false;
            _countLatched = false;
            _statusLatched = false;
        }

        /// <summary>The counter latch command: freezes the current count for reading (a second latch before the read is ignored).</summary>
        public void LatchCount(ulong now)
        {
            if (_countLatched)
                return;
            _latchedCount = Value(now);
            _countLatched = true;
            _readMsbNext = false;
        }

        /// <summary>The read-back command's status latch: OUT, null count, and the programmed bits.</summary>
        public void LatchStatus(ulong now)
        {
            if (_statusLatched)
                return;
            Settle(now);
            byte status = _control;
            if (Output(now))
                status |= 0x80;
            if (_nullCount)
                status |= 0x40;
            _latchedStatus = status;
            _statusLatched = true;
        }

        public byte ReadPort(ulong now)
        {
            if (_statusLatched)
            {
                _statusLatched = false;
                return _latchedStatus;
            }
            ushort value = _countLatched ? _latchedCount : Value(now);
            bool msb = _access == 2 || (_access == 3 && _readMsbNext);
            if (_access == 3)
                _readMsbNext = !_readMsbNext;
            if (_access != 3 || !_readMsbNext)
                _countLatched = false; // the latch is released once its bytes are read
            return msb ? (byte)(value >> 8) : (byte)value;
        }

        public void WritePort(byte value, ulong now)
        {
            Settle(now);
            switch (_access)
            {
                case 1:
                    LoadCount(value, now);
                    break;
                case 2:
                    LoadCount((uint)value << 8, now);
                    break;
                case 3:
                    if (!_writeMsbNext)
                    {
                        _writeLsb = value;
                        _writeMsbNext = true;
                        if (_mode == 0)
                            _state = State.Idle; // mode 0: the first byte stops the count, OUT goes low
                    }
                    else
                    {
                        _writeMsbNext = false;
                        LoadCount((uint)(_writeLsb | (value << 8)), now);
                    }
                    break;
            }
        }

        public void SetGate(bool level, ulong now)
        {
            Settle(now);
            bool rising = level && !_gate;
            bool falling = !level && _gate;
            _gate = level;
            if (_state == State.Idle)
                return;
            switch (_mode)
            {
                case 0:
                case 4:
                    if (falling && _state == State.Running)
                        Pause(Elapsed(now));
                    else if (rising && _state == State.Paused)
                        StartAt(now - _pausedElapsed);
                    break;
                case 1:
                case 5:
                    if (rising)
                        Trigger(now);
                    break;
                default: // 2, 3
                    if (falling)
                        Pause(0);
                    else if (rising)
                        Trigger(now);
                    break;
            }
        }

        /// <summary>The OUT pin at tick `now`.</summary>
        public bool Output(ulong now)
        {
            Settle(now);
            if (_state == State.Idle)
                return _mode != 0;
            if (_state == State.Waiting || (_state == State.Paused && _mode >= 2))
                return true;
            ulong d = Elapsed(now);
            ulong count = _count;
            switch (_mode)
            {
                case 0:
                case 1:
                    return d >= count;
                case 2:
                    return d % Period() != Period() - 1;
                case 3:
                    return d % Period() < (Period() + 1) / 2;
                default: // 4, 5
                    return d != count;
            }
        }

        /// <summary>The first tick after `now` at which OUT goes from low to high, or ulong.MaxValue.</summary>
        public ulong NextRisingEdge(ulong now)
        {
            Settle(now);
            if (_state != State.Running)
                return ulong.MaxValue;
            ulong d = Elapsed(now);
            ulong count = _count;
            switch (_mode)
            {
                case 0:
                case 1:
                    return d < count ? _start + count : ulong.MaxValue;
                case 2:
                case 3:
                    return _start + (d / Period() + 1) * Period();
                default: // 4, 5: OUT is low for the one tick at terminal count
                    return d < count + 1 ? _start + count + 1 : ulong.MaxValue;
            }
        }

        /// <summary>The counting element's value at `now`, in the counter's binary or BCD form.</summary>
        public ushort Value(ulong now)
        {
            Settle(now);
            uint modulus = _bcd ? 10000u : 65536u;
            uint value;
            if (_state == State.Idle || _state == State.Waiting)
            {
                value = _countRegister % modulus;
            }
            else
            {
                ulong d = Elapsed(now);
                switch (_mode)
                {
                    case 2:
                        value = (uint)(_count - d % Period());
                        break;
                    case 3:
                        value = (uint)(_count - (2 * d) % Period());
                        break;
                    default: // one-shot modes count down through zero and wrap
                        value = (uint)((_count + modulus - d % modulus) % modulus);
                        break;
                }
                value %= modulus;
            }
            return _bcd ? ToBcd(value) : (ushort)value;
        }

        private void LoadCount(uint raw, ulong now)
        {
            uint count = _bcd ? FromBcd((ushort)raw) : raw;
            if (count == 0)
                count = _bcd ? 10000u : 65536u;
            _countRegister = count;
            _nullCount = true;
            switch (_mode)
            {
                case 0:
                case 4:
                    _count = count;
                    _nullCount = false;
                    if (_gate)
                        StartAt(now);
                    else
                        Pause(0);
                    break;
                case 1:
                case 5:
                    if (_state == State.Idle)
                        _state = State.Waiting;
                    break;
                default: // 2, 3
                    if (_state == State.Running)
                    {
                        _reloadAt = NextRisingEdge(now);
                        _reloadPending = true;
                        break;
                    }
                    _count = count; // loaded even with the gate low; counting waits for the gate
                    _nullCount = false;
                    if (_gate)
                        StartAt(now);
                    else
                        Pause(0);
                    break;
            }
        }

        // Loads the count register into the counting element and starts counting at `now`.
        private void Trigger(ulong now)
        {
            _count = _countRegister;
            _nullCount = false;
            _reloadPending = false;
            StartAt(now);
        }

        private void StartAt(ulong start)
        {
            _start = start;
            _state = State.Running;
        }

        private void Pause(ulong elapsed)
        {
            _pausedElapsed = elapsed;
            _state = State.Paused;
        }

        // Applies a reload that became due by `now`.
        private void Settle(ulong now)
        {
            if (!_reloadPending || now < _reloadAt)
                return;
            _reloadPending = false;
            _count = _countRegister;
            _nullCount = false;
            _start = _reloadAt;
        }

        private ulong Elapsed(ulong now) => _state == State.Paused ? _pausedElapsed : now - _start;

        // Modes 2 and 3 need at least two ticks per period (a count of 1 is illegal there).
        private ulong Period() => _count < 2 ? 2 : _count;

        private static ushort ToBcd(uint value) =>
            (ushort)((value % 10) | ((value / 10 % 10) << 4) | ((value / 100 % 10) << 8) | ((value / 1000 % 10) << 12));

        private static uint FromBcd(ushort value) =>
            (uint)((value & 0xF) + ((value >> 4) & 0xF) * 10 + ((value >> 8) & 0xF) * 100 + ((value >> 12) & 0xF) * 1000);
    }
}
