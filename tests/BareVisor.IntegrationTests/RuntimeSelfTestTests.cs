// Host side. Boots the ELF with "selftest=runtime": the kernel exercises its own runtime
// (allocation beyond the boot heap, statics and static constructors, virtual and interface
// dispatch, casts, boxing, generics, delegates, lists) on bare metal and reports each failed check.
using System;
using BareVisor.Emulators;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

[Collection(EmulatorCollections.Qemu)]
public sealed class RuntimeSelfTestTests : IClassFixture<RuntimeSelfTestTests.Boot>
{
    private const string SummaryLine = @"^selftest: runtime (ok|FAILED): (\d+) checks passed, (\d+) failed$";

    private readonly KernelOutput output;
    private readonly ITestOutputHelper log;

    public RuntimeSelfTestTests(Boot boot, ITestOutputHelper log)
    {
        output = boot.Output;
        this.log = log;
    }

    [Fact]
    public void EveryRuntimeCheckPasses()
    {
        var summary = output.Line(SummaryLine);
        output.Expect(summary.Groups[1].Value == "ok" && summary.Groups[3].Value == "0",
            $"runtime self-check reported: {summary.Value}");
        output.Expect(int.Parse(summary.Groups[2].Value) >= 16, "fewer runtime checks ran than the kernel defines");
    }

    [Fact]
    public void TheKernelGoesOnAfterTheChecks() => BootReport.PoweredOffAfter(output, SummaryLine, log);

    public sealed class Boot : BootFixture
    {
        protected override EmulatorRun CreateRun(Repository repository) => new()
        {
            Emulator = EmulatorKind.Qemu,
            Boot = BootSource.Kernel(repository.KernelElf, "selftest=runtime"),
            MemoryMiB = 512,
            Timeout = TimeSpan.FromSeconds(20),
        };
    }
}
