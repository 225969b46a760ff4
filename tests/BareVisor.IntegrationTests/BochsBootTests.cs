// Host side. Boots the ISO in Bochs, the emulator with VT-x, through both firmware paths. The Bochs
// BIOS run checks the boot report, VMX discovery, and the deterministic cost of booting in TSC
// ticks. OVMF, unlike the Bochs BIOS, leaves IA32_FEATURE_CONTROL unlocked, so the UEFI run is the
// one where BareVisor must enable and lock VMX itself.
using BareVisor.Emulators;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

[Collection(EmulatorCollections.Bochs)]
public sealed class BochsBiosBootTests(BochsBiosBootTests.Boot boot, ITestOutputHelper log)
    : BootReportTests<BochsBiosBootTests.Boot>(boot, log)
{
    [Fact]
    public void VtxIsUsable() => Output.Line(@"^vmx: VT-x usable");

    // With clock sync=none the tick count is the same on every run: a cost measure, not a timing.
    [Fact]
    public void ReportsBootCostInTscTicks()
    {
        string ticks = Output.Line(@"^boot: report complete after (\d+) TSC ticks").Groups[1].Value;
        Log.WriteLine($"Bochs BIOS boot report complete after {ticks} TSC ticks from kernel entry");
    }

    // Debian's Bochs 2.7 is built with SMP support: "cpu: count=2" gives two processors.
    public sealed class Boot() : IsoBootFixture(EmulatorKind.Bochs, Firmware.Bios, memoryMiB: 128, cpus: 2, timeoutSeconds: 90);
}

[Collection(EmulatorCollections.Bochs)]
public sealed class BochsUefiBootTests(BochsUefiBootTests.Boot boot, ITestOutputHelper log)
    : BootTests<BochsUefiBootTests.Boot>(boot, log)
{
    private const string VtxUsable = @"^vmx: VT-x usable.*$";

    [Fact]
    public void VtxIsUsable() => Output.Line(VtxUsable);

    [Fact]
    public void FeatureControlWasLockedByBareVisor()
    {
        string line = Output.Line(VtxUsable).Value;
        Output.Expect(line.Contains("locked by BareVisor"), $"IA32_FEATURE_CONTROL was not locked by BareVisor: \"{line}\"");
    }

    // One CPU: OVMF's start-up in Bochs takes about 10 s with one and 17 s with two.
    public sealed class Boot() : IsoBootFixture(EmulatorKind.Bochs, Firmware.Uefi, memoryMiB: 128, cpus: 1, timeoutSeconds: 90);
}
