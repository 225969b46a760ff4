// Host side. Boots the ELF through QEMU's Multiboot1 loader with "fault=throw": a C# exception
// nobody catches must reach the kernel's last-chance handler, which names its type and message
// and powers off.
using BareVisor.Emulators;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

[Collection(EmulatorCollections.Qemu)]
public sealed class ThrowPanicTests(ThrowPanicTests.Boot boot, ITestOutputHelper log)
    : BootTests<ThrowPanicTests.Boot>(boot, log)
{
    private const string UnhandledLine = @"^panic: " + PanicReport.CpuPrefix + @"unhandled exception (\S+): (.*)$";

    [Fact]
    public void PanicNamesTheExceptionType()
    {
        string type = Output.Line(UnhandledLine).Groups[1].Value;
        Output.Expect(type.Contains("InvalidOperationException"), $"exception type \"{type}\" is not InvalidOperationException");
    }

    [Fact]
    public void PanicQuotesTheMessage()
    {
        string message = Output.Line(UnhandledLine).Groups[2].Value;
        Output.Expect(message.Contains("deliberate fault requested on the command line"), $"unexpected message \"{message}\"");
    }

    [Fact]
    public void PowerOffFollowsThePanic() => BootReport.PowerOffLineAfter(Output, UnhandledLine);

    public sealed class Boot() : KernelBootFixture("fault=throw", ExpectedEnd.PanicThenPowerOff);
}
