// Host side. Boots the ISO in QEMU TCG through both firmware paths: SeaBIOS and GRUB's BIOS
// loader, and OVMF and GRUB's EFI image (memory map and ACPI tables come from UEFI there). TCG
// offers no VMX, so both runs also take the no-VT-x path.
using BareVisor.Emulators;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

public abstract class QemuBootTests<TBoot>(TBoot boot, ITestOutputHelper log) : BootReportTests<TBoot>(boot, log)
    where TBoot : BootFixture
{
    [Fact]
    public void VtxIsReportedAbsentWithAReason() => NoVtx.ReportedWithReason(Output);
}

[Collection(EmulatorCollections.Qemu)]
public sealed class QemuBiosBootTests(QemuBiosBootTests.Boot boot, ITestOutputHelper log)
    : QemuBootTests<QemuBiosBootTests.Boot>(boot, log)
{
    public sealed class Boot() : IsoBootFixture(EmulatorKind.Qemu, Firmware.Bios, memoryMiB: 512, cpus: 2, timeoutSeconds: 20);
}

[Collection(EmulatorCollections.Qemu)]
public sealed class QemuUefiBootTests(QemuUefiBootTests.Boot boot, ITestOutputHelper log)
    : QemuBootTests<QemuUefiBootTests.Boot>(boot, log)
{
    public sealed class Boot() : IsoBootFixture(EmulatorKind.Qemu, Firmware.Uefi, memoryMiB: 512, cpus: 2, timeoutSeconds: 60);
}
