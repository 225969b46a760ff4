// Host side. The bases of the test classes that check one boot: the class fixture boots once and
// every [Fact] reads the same run's output. Every such class checks how its boot ended (BareVisor's
// power-off ended the emulator, and a panic report only where the fixture provokes one).
// BootReportTests adds the checks of the boot report, made against the machine the fixture configured.
using BareVisor.Emulators;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests.Infrastructure;

public abstract class BootTests<TBoot>(TBoot boot, ITestOutputHelper log) : IClassFixture<TBoot>
    where TBoot : BootFixture
{
    protected KernelOutput Output { get; } = boot.Output;

    [Fact]
    public void EndsAsExpectedThroughBareVisorsPowerOff() => BootReport.EndedAsExpected(Output, boot.ExpectedEnd, Log);

    protected ITestOutputHelper Log { get; } = log;

    /// <summary>The machine the fixture booted.</summary>
    protected EmulatorRun Run => Output.Result.Run;
}

public abstract class BootReportTests<TBoot>(TBoot boot, ITestOutputHelper log) : BootTests<TBoot>(boot, log)
    where TBoot : BootFixture
{
    [Fact]
    public void UsableMemoryIsJustBelowTheMachineSize() => BootReport.UsableMemoryFits(Output, Run.MemoryMiB);

    [Fact]
    public void AcpiCountsEveryCpu() => BootReport.CpuCount(Output, Run.Cpus);
}
