// Host side. What every deliberate CPU-exception panic's report must hold, whichever exception the
// fixture provokes (FaultInjection): every register dumped, a stack trace back to the fault
// injector, and BareVisor's power-off after the report. The derived classes check the exception
// itself: its vector, error code, RIP and, where it has one, CR2.
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests.Infrastructure;

public abstract class ExceptionPanicTests<TBoot>(TBoot boot, ITestOutputHelper log) : BootTests<TBoot>(boot, log)
    where TBoot : BootFixture
{
    [Fact]
    public void EveryRegisterIsDumped() => PanicReport.RegistersAreDumped(Output);

    [Fact]
    public void StackTraceReachesTheFaultInjector() => PanicReport.StackTraceHasFrame(Output, "FaultInjection__Run");

    [Fact]
    public void PowerOffFollowsThePanic() => BootReport.PowerOffLineAfter(Output, PanicReport.ExceptionLine);
}
