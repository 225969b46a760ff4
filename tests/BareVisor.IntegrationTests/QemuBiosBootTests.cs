// Host side. Boots the ISO through SeaBIOS and GRUB in QEMU TCG: the BIOS boot path and the
// no-VT-x path (TCG offers no VMX).
using System;
using BareVisor.Emulators;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

[Collection(EmulatorCollections.Qemu)]
public sealed class QemuBiosBootTests : IClassFixture<QemuBiosBootTests.Boot>
{
    private const int MemoryMiB = 512;
    private const int Cpus = 2;

    private readonly KernelOutput output;
    private readonly ITestOutputHelper log;

    public QemuBiosBootTests(Boot boot, ITestOutputHelper log)
    {
        output = boot.Output;
        this.log = log;
    }

    [Fact]
    public void UsableMemoryIsJustBelowTheMachineSize() => BootReport.UsableMemoryFits(output, MemoryMiB);

    [Fact]
    public void AcpiCountsEveryCpu() => BootReport.CpuCount(output, Cpus);

    [Fact]
    public void VtxIsReportedAbsentWithAReason() => NoVtx.ReportedWithReason(output);

    [Fact]
    public void PowersOffWithinTheLimit() => BootReport.PoweredOff(output, log);

    public sealed class Boot : BootFixture
    {
        protected override EmulatorRun CreateRun(Repository repository) => new()
        {
            Emulator = EmulatorKind.Qemu,
            Firmware = Firmware.Bios,
            Boot = BootSource.Iso(repository.Iso),
            MemoryMiB = MemoryMiB,
            Cpus = Cpus,
            Timeout = TimeSpan.FromSeconds(20),
        };
    }
}
