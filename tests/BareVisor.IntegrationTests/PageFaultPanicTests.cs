// Host side. Boots the ELF through QEMU's Multiboot1 loader (-kernel) with "fault=pagefault":
// the kernel reads through a null pointer on purpose (FaultInjection.TouchPageZero), and its
// exception path must name the fault with its error code, resolve RIP to the C# method through the
// symbol table, give CR2, every register and a stack trace back to the fault injector, and still
// power off.
using BareVisor.Emulators;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

[Collection(EmulatorCollections.Qemu)]
public sealed class PageFaultPanicTests(PageFaultPanicTests.Boot boot, ITestOutputHelper log)
    : ExceptionPanicTests<PageFaultPanicTests.Boot>(boot, log)
{
    // A supervisor-mode read of a page that is not present: P, W/R, U/S, RSVD and I/D all clear.
    private const ulong ReadOfNotPresentPage = 0x0;

    // TouchPageZero(null) reads address 0, the page the kernel leaves unmapped.
    private const ulong FaultingAddress = 0x0;

    [Fact]
    public void PanicNamesVector14PageFaultWithItsErrorCode() => PanicReport.NamesException(Output, 14, "#PF", ReadOfNotPresentPage);

    [Fact]
    public void RipResolvesToTheFaultingMethod()
    {
        string symbol = PanicReport.RipSymbol(Output);
        Output.Expect(symbol.Contains("FaultInjection__TouchPageZero+"), $"RIP symbol \"{symbol}\" does not name FaultInjection.TouchPageZero");
    }

    [Fact]
    public void Cr2IsTheFaultingAddress()
    {
        ulong cr2 = PanicReport.Register(Output, "CR2");
        Output.Expect(cr2 == FaultingAddress, $"CR2 0x{cr2:x} is not the address TouchPageZero reads, 0x{FaultingAddress:x}");
    }

    public sealed class Boot() : KernelBootFixture("fault=pagefault", ExpectedEnd.PanicThenPowerOff);
}
