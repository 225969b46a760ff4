// Host side. Combinations no emulator can run are refused before anything starts.
using System;
using System.IO;
using BareVisor.Emulators;
using Xunit;

namespace BareVisor.IntegrationTests.Harness;

public sealed class EmulatorRunTests
{
    [Fact]
    public void BochsCannotBootAKernelElf()
    {
        var run = new EmulatorRun { Emulator = EmulatorKind.Bochs, Boot = BootSource.Kernel("/nonexistent/barevisor.elf") };
        Assert.Contains("Bochs boots only an ISO", Assert.Throws<ArgumentException>(run.Validate).Message);
    }

    [Fact]
    public void BochsNeverOwnsTheTerminal()
    {
        var run = new EmulatorRun { Emulator = EmulatorKind.Bochs, Boot = BootSource.Iso("/nonexistent/barevisor.iso"), Serial = SerialConsole.Terminal };
        Assert.Contains("Bochs cannot own the terminal", Assert.Throws<ArgumentException>(run.Validate).Message);
    }

    [Fact]
    public void DebuggerStopsAreBochsOnly()
    {
        var run = new EmulatorRun { Emulator = EmulatorKind.Qemu, Boot = BootSource.Iso("/nonexistent/barevisor.iso"), MagicBreak = true };
        Assert.Contains("Bochs's", Assert.Throws<ArgumentException>(run.Validate).Message);
        run = run with { Emulator = EmulatorKind.Bochs, MagicBreak = false, ContinueThroughStops = -1 };
        Assert.Contains("must not be negative", Assert.Throws<ArgumentException>(run.Validate).Message);
    }

    [Fact]
    public void OnlyTheHarnesssLineCanBeTypedInto()
    {
        var run = new EmulatorRun
        {
            Boot = BootSource.Iso("/nonexistent/barevisor.iso"),
            Serial = SerialConsole.Terminal,
            Conversation = [new ConversationStep("^guest#$", "poweroff\r")],
        };
        Assert.Contains("needs the harness's serial line", Assert.Throws<ArgumentException>(run.Validate).Message);
        run = run with { Conversation = [], Input = System.Threading.Channels.Channel.CreateUnbounded<string>().Reader };
        Assert.Contains("needs the harness's serial line", Assert.Throws<ArgumentException>(run.Validate).Message);
    }

    [Fact]
    public void TheMultibootLoaderNeedsBios()
    {
        var run = new EmulatorRun { Firmware = Firmware.Uefi, Boot = BootSource.Kernel("/nonexistent/barevisor.elf") };
        Assert.Contains("BIOS firmware only", Assert.Throws<ArgumentException>(run.Validate).Message);
    }

    [Fact]
    public void AMissingImageIsNamed()
    {
        var run = new EmulatorRun { Boot = BootSource.Iso("/nonexistent/barevisor.iso") };
        Assert.Contains("/nonexistent/barevisor.iso", Assert.Throws<FileNotFoundException>(run.Validate).Message);
    }
}
