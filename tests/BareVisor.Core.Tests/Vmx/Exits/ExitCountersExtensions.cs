// Host test code. The sum of all exit counts, to check that nothing else was counted.
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    internal static class ExitCountersExtensions
    {
        internal static ulong Total(this ExitCounters counters)
        {
            ulong total = 0;
            for (int reason = 0; reason < ExitCounters.MaxReasons; reason++)
                total += counters[(ExitReason)reason];
            return total;
        }
    }
}
