// Host side. Boots the ISO through the Bochs BIOS and GRUB in Bochs, the emulator with VT-x:
// the boot report, VMX discovery, and the deterministic cost of booting in TSC ticks.
using System;
using BareVisor.Emulators;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

[Collection(EmulatorCollections.Bochs)]
public sealed class BochsBiosBootTests : IClassFixture<BochsBiosBootTests.Boot>
{
    private const int MemoryMiB = 128;
    // Debian's Bochs 2.7 is built with SMP support: "cpu: count=2" gives two processors.
    private const int Cpus = 2;

    private readonly KernelOutput output;
    private readonly ITestOutputHelper log;

    public BochsBiosBootTests(Boot boot, ITestOutputHelper log)
    {
        output = boot.Output;
        this.log = log;
    }

    [Fact]
    public void UsableMemoryIsJustBelowTheMachineSize() => BootReport.UsableMemoryFits(output, MemoryMiB);

    [Fact]
    public void AcpiCountsEveryCpu() => BootReport.CpuCount(output, Cpus);

    [Fact]
    public void VtxIsUsable() => output.Line(@"^vmx: VT-x usable");

    [Fact]
    public void PowersOffWithinTheLimit() => BootReport.PoweredOff(output, log);

    // With clock sync=none the tick count is the same on every run: a cost measure, not a timing.
    [Fact]
    public void ReportsBootCostInTscTicks()
    {
        string ticks = output.Line(@"^boot: report complete after (\d+) TSC ticks").Groups[1].Value;
        log.WriteLine($"Bochs BIOS boot report complete after {ticks} TSC ticks from kernel entry");
    }

    public sealed class Boot : BootFixture
    {
        protected override EmulatorRun CreateRun(Repository repository) => new()
        {
            Emulator = EmulatorKind.Bochs,
            Firmware = Firmware.Bios,
            Boot = BootSource.Iso(repository.Iso),
            MemoryMiB = MemoryMiB,
            Cpus = Cpus,
            Timeout = TimeSpan.FromSeconds(90),
        };
    }
}
