// Host side. The emulated machines the media boot in.
using System;
using BareVisor.Emulators;

namespace BareVisor.BootMediaTests.Infrastructure;

public static class Machines
{
    public static EmulatorRun Qemu(Firmware firmware, BootSource boot = null, int timeoutSeconds = 60) => new()
    {
        Emulator = EmulatorKind.Qemu,
        Firmware = firmware,
        Boot = boot,
        MemoryMiB = 256,
        Cpus = 1,
        Timeout = TimeSpan.FromSeconds(timeoutSeconds),
        RunsDirectory = Artifacts.TestRuns,
    };
}
