// Host side. The generated bochsrc keeps the settings EMULATORS.md found necessary for
// headless, deterministic and strict runs.
using BareVisor.Emulators;
using Xunit;

namespace BareVisor.IntegrationTests.Harness;

public sealed class BochsConfigTests
{
    private static readonly BootSource Iso = BootSource.Iso("/nonexistent/barevisor.iso");

    [Fact]
    public void BiosRunIsHeadlessDeterministicAndStrict()
    {
        string rc = BochsLaunch.Config(new EmulatorRun { Emulator = EmulatorKind.Bochs, Boot = Iso, MemoryMiB = 128, Cpus = 2 }, "127.0.0.1:40123");
        Assert.Contains("display_library: rfb, options=\"timeout=0\"\n", rc);
        Assert.Contains("megs: 128\n", rc);
        Assert.Contains("romimage: file=/usr/share/bochs/BIOS-bochs-latest\n", rc);
        Assert.Contains("cpu: model=corei7_skylake_x, count=2, ips=10000000, reset_on_triple_fault=0, ignore_bad_msrs=0\n", rc);
        Assert.Contains("clock: sync=none, time0=local\n", rc);
        // COM1 is a TCP client of the harness's serial line, so the harness can type into it too.
        Assert.Contains("com1: enabled=1, mode=socket-client, dev=127.0.0.1:40123\n", rc);
        Assert.Contains("port_e9_hack: enabled=1\n", rc);
        Assert.Contains("log: bochs.log\n", rc);
        Assert.Contains("panic: action=fatal\n", rc);
        Assert.Contains("error: action=report\n", rc);
    }

    [Fact]
    public void TheDebuggerContinuesOnceUnlessTold()
    {
        var run = new EmulatorRun { Emulator = EmulatorKind.Bochs, Boot = Iso };
        Assert.Equal("c\n", BochsLaunch.DebuggerScript(run));
        Assert.DoesNotContain("magic_break", BochsLaunch.Config(run, "127.0.0.1:40123"));
    }

    [Fact]
    public void MagicBreakpointsAndAOneShotBreakpointAreScripted()
    {
        var marks = new EmulatorRun { Emulator = EmulatorKind.Bochs, Boot = Iso, MagicBreak = true, ContinueThroughStops = 1 };
        Assert.Contains("magic_break: enabled=1\n", BochsLaunch.Config(marks, "127.0.0.1:40123"));
        Assert.Equal("c\nc\n", BochsLaunch.DebuggerScript(marks));

        var entry = marks with { BreakOnceAt = 0x1000000, ContinueThroughStops = 2 };
        Assert.Equal("pb 0x1000000\nc\nd 1\nc\nc\n", BochsLaunch.DebuggerScript(entry));
    }

    [Fact]
    public void UefiRunLoadsOvmfAndToleratesItsMsrReads()
    {
        string rc = BochsLaunch.Config(new EmulatorRun { Emulator = EmulatorKind.Bochs, Firmware = Firmware.Uefi, Boot = Iso }, "127.0.0.1:40123");
        Assert.Contains("romimage: file=/usr/share/ovmf/OVMF.fd\n", rc);
        Assert.Contains("ignore_bad_msrs=1\n", rc);
    }
}
