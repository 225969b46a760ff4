// Host side. Boots the ISO in Bochs, the emulator with VT-x, through both firmware paths. The Bochs
// BIOS run checks the boot report, VMX discovery with every capability MSR against the values
// Bochs is known to report, and the deterministic cost of booting in TSC ticks. OVMF, unlike the
// Bochs BIOS, leaves IA32_FEATURE_CONTROL unlocked, so the UEFI run is the one where BareVisor
// must enable and lock VMX itself.
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
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

    // What Bochs 2.7's corei7_skylake_x reports for every VMX capability MSR it has (0x480-0x491;
    // it has no tertiary controls, and RDMSR 0x492 raises #GP there). BASIC, EPT_VPID_CAP and the
    // fixed-bit MSRs agree with ../shared/design/EMULATORS.md; the rest as Bochs printed them.
    private static readonly (string Name, ulong Value)[] BochsCapabilityMsrs =
    [
        ("IA32_VMX_BASIC", 0x00d810000000002b),
        ("IA32_VMX_PINBASED_CTLS", 0x0000007f00000016),
        ("IA32_VMX_PROCBASED_CTLS", 0xf7f9fffe0401e172),
        ("IA32_VMX_EXIT_CTLS", 0x007fffff00036dff),
        ("IA32_VMX_ENTRY_CTLS", 0x0000ffff000011ff),
        ("IA32_VMX_MISC", 0x00000000600401e0),
        ("IA32_VMX_CR0_FIXED0", 0x0000000080000021),
        ("IA32_VMX_CR0_FIXED1", 0x00000000ffffffff),
        ("IA32_VMX_CR4_FIXED0", 0x0000000000002000),
        ("IA32_VMX_CR4_FIXED1", 0x00000000003727ff),
        ("IA32_VMX_VMCS_ENUM", 0x0000000000000034),
        ("IA32_VMX_PROCBASED_CTLS2", 0x02177fff00000000),
        ("IA32_VMX_EPT_VPID_CAP", 0x00000f0106334141),
        ("IA32_VMX_TRUE_PINBASED_CTLS", 0x0000007f00000016),
        ("IA32_VMX_TRUE_PROCBASED_CTLS", 0xf7f9fffe04006172),
        ("IA32_VMX_TRUE_EXIT_CTLS", 0x007fffff00036dfb),
        ("IA32_VMX_TRUE_ENTRY_CTLS", 0x0000ffff000011fb),
        ("IA32_VMX_VMFUNC", 0x0000000000000001),
    ];

    [Fact]
    public void EveryVmxCapabilityMsrIsReportedWithItsValueInIndexOrder()
    {
        List<(string Name, ulong Value)> printed = Output.Result.SerialLines
            .Select(line => Regex.Match(line, @"^vmx: (IA32_VMX_\w+) 0x([0-9a-f]{16})$"))
            .Where(m => m.Success)
            .Select(m => (m.Groups[1].Value, System.Convert.ToUInt64(m.Groups[2].Value, 16)))
            .ToList();
        string Describe(IEnumerable<(string Name, ulong Value)> msrs) => string.Join("\n", msrs.Select(m => $"  {m.Name} 0x{m.Value:x16}"));
        Output.Expect(printed.SequenceEqual(BochsCapabilityMsrs),
                      $"the boot report's capability MSRs differ from Bochs's.\nexpected:\n{Describe(BochsCapabilityMsrs)}\nprinted:\n{Describe(printed)}");
    }

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
