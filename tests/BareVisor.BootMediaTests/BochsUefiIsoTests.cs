// Host side. The configured ISO in Bochs with OVMF as its ROM: UEFI firmware, GRUB's EFI loader,
// and an emulated CPU with VT-x, so BareVisor reports VT-x usable and runs the configured VM.
using System;
using System.Threading.Tasks;
using BareVisor.BootMediaTests.Infrastructure;
using BareVisor.Emulators;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.BootMediaTests;

[Collection(EmulatorCollections.Bochs)]
public sealed class BochsUefiIsoTests(ITestOutputHelper log)
{
    [Fact]
    public async Task IsoBootsThroughOvmfWithVtxAndFindsItsConfig()
    {
        // One CPU and 128 MiB: OVMF starts in about 10 s in Bochs (17 s to power-off here); the limit
        // leaves room for the other test projects sharing the two cores.
        EmulatorRun run = new()
        {
            Emulator = EmulatorKind.Bochs,
            Firmware = Firmware.Uefi,
            Boot = BootSource.Iso(TestMedia.Get().Iso),
            MemoryMiB = 128,
            Cpus = 1,
            Timeout = TimeSpan.FromSeconds(90),
            RunsDirectory = Artifacts.TestRuns,
        };
        BootCheck check = await BootCheck.BootAsync(run, log);
        check.FoundConfig();
        check.Line(BootCheck.VtxUsable);
        check.Line($"^vm {TestMedia.VmName}: starting \\(protected mode, Multiboot1");
        check.Line($"^vm {TestMedia.VmName}: stopped: powered off with status 0$");
        check.PoweredOffAndClean();
    }
}
