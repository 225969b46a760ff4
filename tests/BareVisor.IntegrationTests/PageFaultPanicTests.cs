// Host side. Boots the ELF through QEMU's Multiboot1 loader (-kernel) with "fault=pagefault":
// the kernel touches page 0 on purpose, and its exception path must name the fault, resolve
// RIP to the C# method through the map file, and still power off.
using System;
using BareVisor.Emulators;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

[Collection(EmulatorCollections.Qemu)]
public sealed class PageFaultPanicTests : IClassFixture<PageFaultPanicTests.Boot>
{
    private const string ExceptionLine = @"^panic: CPU exception (\d+) (#\w+)";

    private readonly KernelOutput output;
    private readonly ITestOutputHelper log;

    public PageFaultPanicTests(Boot boot, ITestOutputHelper log)
    {
        output = boot.Output;
        this.log = log;
    }

    [Fact]
    public void PanicNamesVector14PageFault()
    {
        var match = output.Line(ExceptionLine);
        output.Expect(match.Groups[1].Value == "14" && match.Groups[2].Value == "#PF",
                      $"expected exception 14 #PF, got {match.Groups[1].Value} {match.Groups[2].Value}");
    }

    [Fact]
    public void RipResolvesToTheFaultingMethod()
    {
        string symbol = output.Line(@"^panic: RIP 0x[0-9a-fA-F]+ (\S+)").Groups[1].Value;
        output.Expect(symbol.Contains("TouchPageZero"), $"RIP symbol \"{symbol}\" does not name TouchPageZero");
    }

    [Fact]
    public void Cr2IsTheNullAddress() => output.Line(@"^panic: CR2 0x0+$");

    [Fact]
    public void PowerOffFollowsThePanic() => BootReport.PoweredOffAfter(output, ExceptionLine, log);

    public sealed class Boot : BootFixture
    {
        protected override EmulatorRun CreateRun(Repository repository) => new()
        {
            Emulator = EmulatorKind.Qemu,
            Boot = BootSource.Kernel(repository.KernelElf, "fault=pagefault"),
            MemoryMiB = 512,
            Timeout = TimeSpan.FromSeconds(20),
        };
    }
}
