// Host test code. The VMX-preemption timer's value for the next alarm (SDM Vol. 3C 26.5.1: it
// counts down at the TSC's rate shifted right by IA32_VMX_MISC[4:0]), at most one slice away.
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class TimerExitTests
    {
        [Theory]
        [InlineData(1000000UL, 10000000UL, 0, 10000u)]         // 1 ms at 10 MHz
        [InlineData(1000000UL, 10000000UL, 5, 312u)]           // the same with Bochs's rate (>> 5)
        [InlineData(250000UL, 2000000000UL, 0, 500000u)]       // 250 us at 2 GHz
        [InlineData(0UL, 10000000UL, 0, 1u)]                   // due now: 1, since 0 exits before the first instruction
        [InlineData(100UL, 10000000UL, 5, 1u)]                 // less than one timer unit away
        public void ValueIsTheTicksUntilTheAlarm(ulong nanoseconds, ulong tscHz, int rateShift, uint expected)
        {
            Assert.Equal(expected, TimerExit.PreemptionTimerValue(nanoseconds, tscHz, rateShift));
        }

        [Fact]
        public void AnAlarmFurtherAwayThanASliceComesAfterOneSlice()
        {
            uint slice = TimerExit.PreemptionTimerValue(TimerExit.SliceNanoseconds, 10000000, 0);
            Assert.Equal(100000u, slice);
            Assert.Equal(slice, TimerExit.PreemptionTimerValue(60UL * 1000000000, 10000000, 0));
            Assert.Equal(slice, TimerExit.PreemptionTimerValue(ulong.MaxValue, 10000000, 0));
        }

        [Fact]
        public void TheValueNeverWrapsPast32Bits()
        {
            Assert.Equal(uint.MaxValue, TimerExit.PreemptionTimerValue(TimerExit.SliceNanoseconds, ulong.MaxValue / 1000, 0));
        }
    }
}
