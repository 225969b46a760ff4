// Host side. The hybrid ISO from `barevisor-image iso`, as a CD in QEMU TCG: through SeaBIOS and
// GRUB's BIOS loader, and through OVMF and GRUB's EFI loader.
using System.Threading.Tasks;
using BareVisor.BootMediaTests.Infrastructure;
using BareVisor.Emulators;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.BootMediaTests;

[Collection(EmulatorCollections.Qemu)]
public sealed class IsoBootTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(Firmware.Bios)]
    [InlineData(Firmware.Uefi)]
    public async Task IsoBootsAndFindsItsConfig(Firmware firmware)
    {
        EmulatorRun run = Machines.Qemu(firmware, BootSource.Iso(TestMedia.Get().Iso));
        var check = new BootCheck(await EmulatorSession.RunAsync(run), $"ISO, {firmware}", log);
        check.Booted();
        check.LoadedBy("multiboot2", "GRUB");
        check.FoundConfig();
        check.ReportedNoVtx();
        check.PoweredOffAndClean();
    }
}
