// Host side. The directory from `barevisor-image pxe`, served by QEMU's built-in DHCP and TFTP
// (user-mode network, restricted to QEMU itself) to the iPXE ROM of Debian's ipxe-qemu. BIOS iPXE
// loads barevisor.elf as a Multiboot kernel; UEFI iPXE runs the same boot.ipxe, which chains
// GRUB's EFI network image.
using System.Threading.Tasks;
using BareVisor.BootMediaTests.Infrastructure;
using BareVisor.Emulators;
using BareVisor.ImageTool;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.BootMediaTests;

[Collection(EmulatorCollections.Qemu)]
public sealed class PxeBootTests(ITestOutputHelper log)
{
    [Fact]
    public async Task BiosIpxeBootsBareVisorAsAMultibootKernel()
    {
        BootMedia network = BootMedia.Network(TestMedia.Get().PxeDirectory, PxeLayout.IpxeScript, NetworkCard.E1000);
        var check = new BootCheck(await MediaSession.RunAsync(Machines.Qemu(Firmware.Bios), network), "PXE, BIOS iPXE, e1000", log);
        check.Booted();
        check.LoadedBy("multiboot1", "iPXE");
        check.FoundConfig();
        check.ReportedNoVtx();
        check.PoweredOffAndClean();
    }

    [Fact]
    public async Task UefiIpxeChainsGrubWhichBootsBareVisor()
    {
        BootMedia network = BootMedia.Network(TestMedia.Get().PxeDirectory, PxeLayout.IpxeScript, NetworkCard.VirtioNet);
        var check = new BootCheck(await MediaSession.RunAsync(Machines.Qemu(Firmware.Uefi), network), "PXE, UEFI iPXE, virtio-net", log);
        check.Booted();
        check.LoadedBy("multiboot2", "GRUB");
        check.FoundConfig();
        check.ReportedNoVtx();
        check.PoweredOffAndClean();
    }
}
