// Host side. The message Bochs 2.7 ends with, read from bochs.log as Bochs writes it: the
// shutdown port's and ACPI S5's panics are told apart from each other and from other panics.
using BareVisor.Emulators;
using Xunit;

namespace BareVisor.IntegrationTests.Harness;

public sealed class BochsPanicTests
{
    // The end of bochs.log after BareVisor's power-off (Bochs 2.7, Debian).
    private const string ShutdownPortLog = """
        00035138712i[BIOS  ] Booting from 07c0:0000
        00080290905i[SER   ] com1: FIFO enabled
        00111527057p[UNMAP ] >>PANIC<< Shutdown port: shutdown requested
        00111527057i[CPU0  ] CPU is in long mode (active)
        00111527057i[CPU0  ] | RIP=000000000010107c (000000000010107b)
        00111527057i[SIM   ] quit_sim called with exit code 1
        """;

    private const string AcpiLog = """
        00080290905i[SER   ] com1: FIFO enabled
        00111528601p[ACPI  ] >>PANIC<< ACPI control: soft power off
        00111528601i[SIM   ] quit_sim called with exit code 1
        """;

    private const string TripleFaultLog = """
        00012345678e[CPU0  ] interrupt(long mode): gate descriptor is not valid sys seg
        00012345678p[CPU0  ] >>PANIC<< exception(): 3rd (13) exception with no resolution
        00012345679p[UNMAP ] >>PANIC<< Shutdown port: shutdown requested
        """;

    [Fact]
    public void TheShutdownPortsPanicIsRecognised()
    {
        BochsPanic panic = BochsPanic.Parse(ShutdownPortLog);
        Assert.Equal(BochsPanic.ShutdownPort, panic);
        Assert.Equal("[UNMAP] Shutdown port: shutdown requested", panic.ToString());
    }

    [Fact]
    public void TheAcpiSoftOffIsRecognised() => Assert.Equal(BochsPanic.AcpiSoftOff, BochsPanic.Parse(AcpiLog));

    [Fact]
    public void TheFirstPanicIsTheOneThatEndedTheRun() =>
        Assert.Equal(new BochsPanic("CPU0", "exception(): 3rd (13) exception with no resolution"), BochsPanic.Parse(TripleFaultLog));

    [Fact]
    public void ALogWithoutAPanicHasNone()
    {
        Assert.Null(BochsPanic.Parse("00000000000i[      ] reading configuration from bochsrc\n00111527057i[SIM   ] quit_sim called with exit code 1\n"));
        Assert.Null(BochsPanic.Parse(null));
    }
}
