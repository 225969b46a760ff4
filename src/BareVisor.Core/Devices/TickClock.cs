// Converts elapsed nanoseconds into whole ticks of a device's input clock (1.193182 MHz for the
// 8254, 32.768 kHz for the RTC) without drift: the fraction of a tick left over is kept exactly,
// as a numerator over one second. Pure logic; runs in VMX root; never allocates.
namespace BareVisor.Core.Devices
{
    public struct TickClock
    {
        public const ulong NanosecondsPerSecond = 1_000_000_000;

        private readonly ulong _hertz;
        private ulong _ticks;
        private ulong _fraction; // in 1/(10^9) of a tick; always below NanosecondsPerSecond

        public TickClock(ulong hertz)
        {
            _hertz = hertz;
            _ticks = 0;
            _fraction = 0;
        }

        /// <summary>Whole ticks since the clock was created.</summary>
        public ulong Ticks => _ticks;

        public ulong Hertz => _hertz;

        /// <summary>Moves time forward; returns the number of whole ticks that passed.</summary>
        public ulong Advance(ulong nanoseconds)
        {
            ulong seconds = nanoseconds / NanosecondsPerSecond;
            ulong rest = nanoseconds % NanosecondsPerSecond;
            ulong numerator = rest * _hertz + _fraction; // < 10^9 * hertz + 10^9: fits for hertz < 10^10
            ulong ticks = seconds * _hertz + numerator / NanosecondsPerSecond;
            _fraction = numerator % NanosecondsPerSecond;
            _ticks += ticks;
            return ticks;
        }

        /// <summary>
        /// The smallest number of nanoseconds after which Advance reaches `ticksAhead` more ticks
        /// (0 when ticksAhead is 0). Saturates at ulong.MaxValue.
        /// </summary>
        public ulong NanosecondsUntil(ulong ticksAhead)
        {
            if (ticksAhead == 0)
                return 0;
            ulong seconds = ticksAhead / _hertz;
            ulong restTicks = ticksAhead % _hertz;
            if (seconds >= ulong.MaxValue / NanosecondsPerSecond - 1)
                return ulong.MaxValue;
            // Need (ns * hertz + fraction) >= ticksAhead * 10^9; split off whole seconds of ticks.
            ulong needed = restTicks * NanosecondsPerSecond; // < hertz * 10^9
            ulong wholeSeconds = seconds * NanosecondsPerSecond;
            if (needed <= _fraction)
                return wholeSeconds == 0 ? 0 : wholeSeconds - (_fraction - needed) / _hertz;
            return wholeSeconds + (needed - _fraction + _hertz - 1) / _hertz;
        }
    }
}
