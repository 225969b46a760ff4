// Host side. Boots the ELF through QEMU's Multiboot1 loader (-kernel) with "fault=pagefault":
// the kernel touches page 0 on purpose, and its exception path must name the fault, resolve
// RIP to the C# method through the map file, and still power off.
using BareVisor.Emulators;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

[Collection(EmulatorCollections.Qemu)]
public sealed class PageFaultPanicTests(PageFaultPanicTests.Boot boot, ITestOutputHelper log)
    : BootTests<PageFaultPanicTests.Boot>(boot, log)
{
    private const string ExceptionLine = @"^panic: CPU exception (\d+) (#\w+)";

    [Fact]
    public void PanicNamesVector14PageFault()
    {
        var match = Output.Line(ExceptionLine);
        Output.Expect(match.Groups[1].Value == "14" && match.Groups[2].Value == "#PF",
                      $"expected exception 14 #PF, got {match.Groups[1].Value} {match.Groups[2].Value}");
    }

    [Fact]
    public void RipResolvesToTheFaultingMethod()
    {
        string symbol = Output.Line(@"^panic: RIP 0x[0-9a-fA-F]+ (\S+)").Groups[1].Value;
        Output.Expect(symbol.Contains("TouchPageZero"), $"RIP symbol \"{symbol}\" does not name TouchPageZero");
    }

    [Fact]
    public void Cr2IsTheNullAddress() => Output.Line(@"^panic: CR2 0x0+$");

    [Fact]
    public void PowerOffFollowsThePanic() => BootReport.PowerOffLineAfter(Output, ExceptionLine);

    public sealed class Boot() : KernelBootFixture("fault=pagefault", ExpectedEnd.PanicThenPowerOff);
}
