// Host test code. When the run loop looks at a guest again (its next device timer event, the end
// of its slice or its time limit), and the VMX-preemption timer's value for it (SDM Vol. 3C
// 26.5.1: it counts down at the TSC's rate shifted right by IA32_VMX_MISC[4:0]).
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class TimerExitTests
    {
        private const ulong TenMHz = 10000000;

        [Theory]
        [InlineData(1000000UL, TenMHz, 10000UL)]                // a device event 1 ms away at 10 MHz
        [InlineData(250000UL, 2000000000UL, 500000UL)]          // 250 us at 2 GHz
        [InlineData(0UL, TenMHz, 0UL)]                          // due now
        [InlineData(60000000000UL, TenMHz, 100000UL)]           // a minute away: one slice (10 ms)
        [InlineData(ulong.MaxValue, TenMHz, 100000UL)]          // no event at all: one slice
        public void NextLookIsTheDeviceEventOrTheEndOfTheSlice(ulong nanoseconds, ulong tscHz, ulong ticks)
        {
            Assert.Equal(ticks, TimerExit.TicksUntilNextLook(nanoseconds, tscHz, nowTsc: 5000, deadlineTsc: 0));
        }

        [Theory]
        [InlineData(5000UL + 300, 300UL)]                       // the time limit comes before the event
        [InlineData(5000UL, 0UL)]                               // reached now
        [InlineData(4000UL, 0UL)]                               // already past
        [InlineData(5000UL + 1000000, 10000UL)]                 // after the event: the event
        public void NextLookIsNoLaterThanTheTimeLimit(ulong deadlineTsc, ulong ticks)
        {
            Assert.Equal(ticks, TimerExit.TicksUntilNextLook(1000000, TenMHz, nowTsc: 5000, deadlineTsc));
        }

        [Theory]
        [InlineData(10000UL, 0, 10000u)]
        [InlineData(10000UL, 5, 312u)]                          // Bochs's rate: TSC >> 5
        [InlineData(0UL, 0, 1u)]                                // due: 1, since the entry must still happen
        [InlineData(31UL, 5, 1u)]                               // less than one timer unit away
        [InlineData(ulong.MaxValue, 0, uint.MaxValue)]          // never wraps past 32 bits
        public void TimerValueIsTheTicksAtTheTimersRate(ulong ticks, int rateShift, uint value)
        {
            Assert.Equal(value, TimerExit.PreemptionTimerValue(ticks, rateShift));
        }
    }
}
