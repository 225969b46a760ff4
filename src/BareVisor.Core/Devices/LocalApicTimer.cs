// The local APIC timer: a 32-bit down-counter clocked at LocalApic.TimerHz divided by the divide
// configuration (1 to 128), in one-shot or periodic mode, or the TSC-deadline mode in which
// IA32_TSC_DEADLINE holds the guest TSC value at which it fires. As with the 8254, the count is a
// function of the time since it was loaded, not stepped, and time only moves in Advance. The guest
// TSC is derived from that same time (tscAtZero plus the elapsed time at tscHz), so deadlines agree
// with the TSC the platform gives the guest. Both clocks are exact (TickClock keeps the fractions),
// for hours or years of uptime, for TSC rates below 10 GHz. Pure state machine; runs in VMX root;
// never allocates.
namespace BareVisor.Core.Devices
{
    /// <summary>The LVT timer's mode field (bits 18:17); the reserved value 3 counts as one-shot.</summary>
    public enum LocalApicTimerMode
    {
        OneShot = 0,
        Periodic = 1,
        TscDeadline = 2,
    }

    internal sealed class LocalApicTimer
    {
        private readonly ulong _tscAtZero;
        private TickClock _clock = new TickClock(LocalApic.TimerHz);
        private TickClock _tsc;
        private LocalApicTimerMode _mode;
        private uint _initialCount;
        private uint _divideConfiguration;
        private int _divideShift = 1;   // log2 of the divisor; divide configuration 0 divides by 2
        private ulong _start;           // timer-clock tick at which the count was (last) loaded
        private bool _counting;
        private ulong _deadline;        // IA32_TSC_DEADLINE; 0: disarmed

        public LocalApicTimer(ulong tscHz, ulong tscAtZero)
        {
            _tsc = new TickClock(tscHz);
            _tscAtZero = tscAtZero;
        }

        public ulong Tsc => _tscAtZero + _tsc.Ticks;

        public LocalApicTimerMode Mode => _mode;

        public uint InitialCount => _initialCount;

        public uint DivideConfiguration => _divideConfiguration;

        /// <summary>The deadline; 0 when disarmed, and always 0 outside TSC-deadline mode.</summary>
        public ulong Deadline => _deadline;

        public uint CurrentCount
        {
            get
            {
                if (!_counting)
                    return 0;
                ulong counts = (_clock.Ticks - _start) >> _divideShift;
                if (_mode == LocalApicTimerMode.Periodic)
                    return _initialCount - (uint)(counts % _initialCount);
                return counts >= _initialCount ? 0 : _initialCount - (uint)counts;
            }
        }

        /// <summary>
        /// Nanoseconds until the timer next expires, or ulong.MaxValue when it is not armed. A
        /// deadline already reached gives 0: it fires at the next Advance.
        /// </summary>
        public ulong NextExpiryNanoseconds
        {
            get
            {
                if (_mode == LocalApicTimerMode.TscDeadline)
                {
                    if (_deadline == 0)
                        return ulong.MaxValue;
                    ulong tsc = Tsc;
                    return tsc >= _deadline ? 0 : _tsc.NanosecondsUntil(_deadline - tsc);
                }
                if (!_counting)
                    return ulong.MaxValue;
                ulong now = _clock.Ticks;
                ulong period = Period();
                ulong expiry = _start + ((now - _start) / period + 1) * period;
                return _clock.NanosecondsUntil(expiry - now);
            }
        }

        /// <summary>Moves time forward; true when the timer expired in the interval (expiries merge).</summary>
        public bool Advance(ulong nanoseconds)
        {
            ulong before = _clock.Ticks;
            _clock.Advance(nanoseconds);
            _tsc.Advance(nanoseconds);
            ulong now = _clock.Ticks;
            if (_mode == LocalApicTimerMode.TscDeadline)
            {
                if (_deadline == 0 || Tsc < _deadline)
                    return false;
                _deadline = 0;
                return true;
            }
            if (!_counting)
                return false;
            ulong period = Period();
            if (_mode == LocalApicTimerMode.Periodic)
                return (now - _start) / period != (before - _start) / period;
            if (now - _start < period)
                return false;
            _counting = false;
            return true;
        }

        /// <summary>Writing the initial count (re)starts the count from it; 0 stops the timer. Ignored in TSC-deadline mode.</summary>
        public void WriteInitialCount(uint count)
        {
            if (_mode == LocalApicTimerMode.TscDeadline)
                return;
            _initialCount = count;
            _counting = count != 0;
            _start = _clock.Ticks;
        }

        /// <summary>
        /// Bits 0, 1 and 3 select divide by 2, 4, 8, 16, 32, 64, 128 or 1. A running count carries
        /// on from its current value at the new rate.
        /// </summary>
        public void WriteDivideConfiguration(uint value)
        {
            value &= 0xB;
            int shift = (int)((((value >> 1) & 4) | (value & 3)) + 1) & 7;
            if (_counting)
            {
                ulong now = _clock.Ticks;
                ulong counts = (now - _start) >> _divideShift;
                if (_mode == LocalApicTimerMode.Periodic)
                    counts %= _initialCount;
                _start = now - (counts << shift);
            }
            _divideConfiguration = value;
            _divideShift = shift;
        }

        /// <summary>A write to the LVT timer entry that changes the mode disarms the timer (SDM "TSC-Deadline Mode").</summary>
        public void SetMode(LocalApicTimerMode mode)
        {
            if (mode == _mode)
                return;
            _mode = mode;
            Disarm();
        }

        /// <summary>Arms (non-zero) or disarms (0) the deadline; ignored outside TSC-deadline mode.</summary>
        public void WriteDeadline(ulong tsc)
        {
            if (_mode == LocalApicTimerMode.TscDeadline)
                _deadline = tsc;
        }

        /// <summary>The timer's registers as after a reset; the clocks keep running.</summary>
        public void Reset()
        {
            _mode = LocalApicTimerMode.OneShot;
            _divideConfiguration = 0;
            _divideShift = 1;
            Disarm();
        }

        private void Disarm()
        {
            _initialCount = 0;
            _counting = false;
            _deadline = 0;
        }

        private ulong Period() => (ulong)_initialCount << _divideShift;
    }
}
