// Host side. The check every boot test makes of how its run ended (PowerOffCheck), on results as
// the session records them: the power-off line alone is not enough, the emulator must have ended
// by itself through the device BareVisor's power-off writes, with the kernel's status, and a panic
// report passes only where one is expected.
using System.Collections.Generic;
using BareVisor.Emulators;
using Xunit;

namespace BareVisor.IntegrationTests.Harness;

public sealed class PowerOffCheckTests
{
    private const string Report = "[    0.429565] info  boot: report complete after 4293936 TSC ticks from kernel entry\r\nBareVisor: power off\r\n";
    private const string PanicReport = "[    0.301000] error panic: CPU exception 14 #PF Page fault, error code 0x0\r\n[    0.301100] error panic: CR2 0x0000000000000000\r\nBareVisor: power off\r\n";
    private const string ShutdownPortLog = "00111527057p[UNMAP ] >>PANIC<< Shutdown port: shutdown requested\n00111527057i[SIM   ] quit_sim called with exit code 1\n";
    private const string AcpiLog = "00111528601p[ACPI  ] >>PANIC<< ACPI control: soft power off\n";

    private static EmulatorResult Result(EmulatorKind emulator, string serial, RunEnd end, int? exitCode, string emulatorLog = "") => new()
    {
        Run = new EmulatorRun { Emulator = emulator, Boot = BootSource.Iso("/nonexistent/barevisor.iso") },
        SerialRaw = serial,
        End = end,
        ExitCode = exitCode,
        EmulatorLog = emulatorLog,
        ConsoleText = "",
    };

    private static IReadOnlyList<string> Problems(EmulatorResult result, ExpectedEnd expected = ExpectedEnd.PowerOff) =>
        PowerOffCheck.Problems(result, expected);

    [Fact]
    public void QemuEndedByIsaDebugExitWithStatusZeroPasses()
    {
        EmulatorResult result = Result(EmulatorKind.Qemu, Report, RunEnd.ExitedByItself, 1);
        Assert.Equal(PowerOffDevice.QemuDebugExit, result.PowerOffDevice);
        Assert.Empty(Problems(result));
    }

    [Fact]
    public void BochsEndedByTheShutdownPortPasses()
    {
        EmulatorResult result = Result(EmulatorKind.Bochs, Report, RunEnd.ExitedByItself, 1, ShutdownPortLog);
        Assert.Equal(PowerOffDevice.BochsShutdownPort, result.PowerOffDevice);
        Assert.Empty(Problems(result));
    }

    [Fact]
    public void AnEmulatorKilledAfterThePowerOffLineFails()
    {
        foreach (EmulatorKind emulator in new[] { EmulatorKind.Qemu, EmulatorKind.Bochs })
        {
            EmulatorResult result = Result(emulator, Report, RunEnd.KilledAfterPowerOffLine, null);
            Assert.Equal(PowerOffDevice.None, result.PowerOffDevice);
            Assert.Equal(["the emulator did not end by itself: KilledAfterPowerOffLine"], Problems(result));
        }
    }

    [Fact]
    public void ARunThatHitItsLimitFails() =>
        Assert.Equal(["the last serial line is not \"BareVisor: power off\"", "the emulator did not end by itself: KilledAtTimeout"],
                     Problems(Result(EmulatorKind.Bochs, "[    0.4] info  vmx: VT-x usable\r\n", RunEnd.KilledAtTimeout, null)));

    [Fact]
    public void BochsEndingByItselfWithoutThePowerOffDeviceFails()
    {
        // Bochs's debugger at its last stop, or a fatal panic of its own: status 1 all the same.
        string problem = Assert.Single(Problems(Result(EmulatorKind.Bochs, Report, RunEnd.ExitedByItself, 1, "")));
        Assert.Equal("the emulator ended by itself, but not through BochsShutdownPort: exit status 1", problem);
        problem = Assert.Single(Problems(Result(EmulatorKind.Bochs, Report, RunEnd.ExitedByItself, 1, AcpiLog)));
        Assert.Equal("the emulator ended by itself, but not through BochsShutdownPort: exit status 1, Bochs's log: [ACPI] ACPI control: soft power off", problem);
    }

    [Fact]
    public void QemuEndingWithAnEvenStatusDidNotUseIsaDebugExit()
    {
        // ACPI S5 or a reset with -no-reboot end QEMU with 0.
        EmulatorResult result = Result(EmulatorKind.Qemu, Report, RunEnd.ExitedByItself, 0);
        Assert.Equal(PowerOffDevice.None, result.PowerOffDevice);
        Assert.Equal(["the emulator ended by itself, but not through QemuDebugExit: exit status 0"], Problems(result));
    }

    [Fact]
    public void TheIsaDebugExitStatusMustBeTheKernels()
    {
        Assert.Equal(["isa-debug-exit got status 1, the kernel's status for PowerOff is 0"],
                     Problems(Result(EmulatorKind.Qemu, Report, RunEnd.ExitedByItself, 3)));
        Assert.Equal(["no panic report (no line starting \"panic: \")", "isa-debug-exit got status 0, the kernel's status for PanicThenPowerOff is 1"],
                     Problems(Result(EmulatorKind.Qemu, Report, RunEnd.ExitedByItself, 1), ExpectedEnd.PanicThenPowerOff));
    }

    [Fact]
    public void APanicFailsARunThatShouldNotPanic() =>
        Assert.Equal(["BareVisor panicked: \"panic: CPU exception 14 #PF Page fault, error code 0x0\"", "isa-debug-exit got status 1, the kernel's status for PowerOff is 0"],
                     Problems(Result(EmulatorKind.Qemu, PanicReport, RunEnd.ExitedByItself, 3)));

    [Fact]
    public void APanicThenThePowerOffPassesWhereOneIsExpected()
    {
        Assert.Empty(Problems(Result(EmulatorKind.Qemu, PanicReport, RunEnd.ExitedByItself, 3), ExpectedEnd.PanicThenPowerOff));
        Assert.Empty(Problems(Result(EmulatorKind.Bochs, PanicReport, RunEnd.ExitedByItself, 1, ShutdownPortLog), ExpectedEnd.PanicThenPowerOff));
    }

    [Fact]
    public void APanicWithoutThePowerOffFailsEvenWhereOneIsExpected() =>
        Assert.Equal(["the emulator did not end by itself: KilledAfterPowerOffLine"],
                     Problems(Result(EmulatorKind.Qemu, PanicReport, RunEnd.KilledAfterPowerOffLine, null), ExpectedEnd.PanicThenPowerOff));
}
