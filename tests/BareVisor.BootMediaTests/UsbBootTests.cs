// Host side. The raw image from `barevisor-image usb` as a USB stick (usb-storage on an EHCI or
// xHCI controller) in QEMU TCG: SeaBIOS boots GRUB from the MBR and its gap, OVMF boots
// EFI/BOOT/BOOTX64.EFI from the FAT32 partition.
using System.Threading.Tasks;
using BareVisor.BootMediaTests.Infrastructure;
using BareVisor.Emulators;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.BootMediaTests;

[Collection(EmulatorCollections.Qemu)]
public sealed class UsbBootTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(Firmware.Bios, UsbController.Xhci)]
    [InlineData(Firmware.Bios, UsbController.Ehci)]
    [InlineData(Firmware.Uefi, UsbController.Xhci)]
    [InlineData(Firmware.Uefi, UsbController.Ehci)]
    public async Task UsbStickBootsAndFindsItsConfig(Firmware firmware, UsbController controller)
    {
        BootMedia stick = BootMedia.UsbStick(TestMedia.Get().UsbImage, controller);
        var check = new BootCheck(await MediaSession.RunAsync(Machines.Qemu(firmware), stick), $"USB on {controller}, {firmware}", log);
        check.Booted();
        check.LoadedBy("multiboot2", "GRUB");
        check.FoundConfig();
        check.ReportedNoVtx();
        check.PoweredOffAndClean();
    }
}
