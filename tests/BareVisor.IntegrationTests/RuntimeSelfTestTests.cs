// Host side. Boots the ELF with "selftest=runtime": the kernel exercises its own runtime
// (allocation beyond the boot heap, statics and static constructors, virtual and interface
// dispatch, casts, boxing, generics, delegates, lists) on bare metal and reports each failed check.
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

[Collection(EmulatorCollections.Qemu)]
public sealed class RuntimeSelfTestTests(RuntimeSelfTestTests.Boot boot, ITestOutputHelper log)
    : BootTests<RuntimeSelfTestTests.Boot>(boot, log)
{
    private const string SummaryLine = @"^selftest: runtime (ok|FAILED): (\d+) checks passed, (\d+) failed$";

    [Fact]
    public void EveryRuntimeCheckPasses()
    {
        var summary = Output.Line(SummaryLine);
        Output.Expect(summary.Groups[1].Value == "ok" && summary.Groups[3].Value == "0",
            $"runtime self-check reported: {summary.Value}");
        Output.Expect(int.Parse(summary.Groups[2].Value) >= 16, "fewer runtime checks ran than the kernel defines");
    }

    [Fact]
    public void TheKernelGoesOnAfterTheChecks() => BootReport.PowerOffLineAfter(Output, SummaryLine);

    public sealed class Boot() : KernelBootFixture("selftest=runtime");
}
