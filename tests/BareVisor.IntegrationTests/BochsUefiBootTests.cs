// Host side. Boots the ISO through OVMF in Bochs. OVMF, unlike the Bochs BIOS, leaves
// IA32_FEATURE_CONTROL unlocked, so this is the run where BareVisor must enable and lock VMX
// itself.
using System;
using BareVisor.Emulators;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

[Collection(EmulatorCollections.Bochs)]
public sealed class BochsUefiBootTests : IClassFixture<BochsUefiBootTests.Boot>
{
    private const string VtxUsable = @"^vmx: VT-x usable.*$";

    private readonly KernelOutput output;
    private readonly ITestOutputHelper log;

    public BochsUefiBootTests(Boot boot, ITestOutputHelper log)
    {
        output = boot.Output;
        this.log = log;
    }

    [Fact]
    public void VtxIsUsable() => output.Line(VtxUsable);

    [Fact]
    public void FeatureControlWasLockedByBareVisor()
    {
        string line = output.Line(VtxUsable).Value;
        output.Expect(line.Contains("locked by BareVisor"), $"IA32_FEATURE_CONTROL was not locked by BareVisor: \"{line}\"");
    }

    [Fact]
    public void PowersOffWithinTheLimit() => BootReport.PoweredOff(output, log);

    public sealed class Boot : BootFixture
    {
        // One CPU: OVMF's start-up in Bochs takes about 10 s with one and 17 s with two.
        protected override EmulatorRun CreateRun(Repository repository) => new()
        {
            Emulator = EmulatorKind.Bochs,
            Firmware = Firmware.Uefi,
            Boot = BootSource.Iso(repository.Iso),
            MemoryMiB = 128,
            Cpus = 1,
            Timeout = TimeSpan.FromSeconds(90),
        };
    }
}
