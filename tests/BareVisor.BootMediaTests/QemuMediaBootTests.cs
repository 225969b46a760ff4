// Host side. Each medium barevisor-image makes, booted in QEMU TCG through its firmware path; every
// run must start BareVisor through the expected loader, find the test configuration, report that
// there is no VT-x and power off (BootCheck.QemuBootsMedium).
using System.Threading.Tasks;
using BareVisor.BootMediaTests.Infrastructure;
using BareVisor.Emulators;
using BareVisor.ImageTool;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.BootMediaTests;

// The hybrid ISO from `barevisor-image iso`, as a CD: through SeaBIOS and GRUB's BIOS loader, and
// through OVMF and GRUB's EFI loader.
[Collection(EmulatorCollections.Qemu)]
public sealed class IsoBootTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(Firmware.Bios)]
    [InlineData(Firmware.Uefi)]
    public Task IsoBootsAndFindsItsConfig(Firmware firmware) =>
        BootCheck.QemuBootsMedium(firmware, BootSource.Iso(TestMedia.Get().Iso), "multiboot2", "GRUB", log);
}

// The raw image from `barevisor-image usb` as a USB stick (usb-storage on an EHCI or xHCI
// controller): SeaBIOS boots GRUB from the MBR and its gap, OVMF boots EFI/BOOT/BOOTX64.EFI from
// the FAT32 partition.
[Collection(EmulatorCollections.Qemu)]
public sealed class UsbBootTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(Firmware.Bios, UsbController.Xhci)]
    [InlineData(Firmware.Bios, UsbController.Ehci)]
    [InlineData(Firmware.Uefi, UsbController.Xhci)]
    [InlineData(Firmware.Uefi, UsbController.Ehci)]
    public Task UsbStickBootsAndFindsItsConfig(Firmware firmware, UsbController controller) =>
        BootCheck.QemuBootsMedium(firmware, BootSource.UsbStick(TestMedia.Get().UsbImage, controller), "multiboot2", "GRUB", log);
}

// The directory from `barevisor-image pxe`, served by QEMU's built-in DHCP and TFTP (user-mode
// network, restricted to QEMU itself) to the iPXE ROM of Debian's ipxe-qemu. BIOS iPXE loads
// barevisor.elf as a Multiboot kernel; UEFI iPXE runs the same boot.ipxe, which chains GRUB's EFI
// network image.
[Collection(EmulatorCollections.Qemu)]
public sealed class PxeBootTests(ITestOutputHelper log)
{
    [Fact]
    public Task BiosIpxeBootsBareVisorAsAMultibootKernel() =>
        BootCheck.QemuBootsMedium(Firmware.Bios, Network(NetworkCard.E1000), "multiboot1", "iPXE", log);

    [Fact]
    public Task UefiIpxeChainsGrubWhichBootsBareVisor() =>
        BootCheck.QemuBootsMedium(Firmware.Uefi, Network(NetworkCard.VirtioNet), "multiboot2", "GRUB", log);

    private static BootSource Network(NetworkCard card) =>
        BootSource.Network(TestMedia.Get().PxeDirectory, PxeLayout.IpxeScript, card);
}
