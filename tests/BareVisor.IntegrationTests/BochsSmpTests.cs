// Host side. Boots the ISO in Bochs with four CPUs (Bochs emulates VT-x on each): the boot CPU
// starts the three APs with INIT-SIPI-SIPI and every CPU reports VMX root with its own APIC ID;
// with maxcpus=2 only one AP is started. One boot per class; Bochs runs the CPUs in turn on one
// host thread, so these boots take longer than the one-CPU ones.
using System.Linq;
using System.Text.RegularExpressions;
using BareVisor.Emulators;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

public static class CpuLines
{
    public const string Pattern = @"^cpu (\d+): APIC id (\d+), (.*)$";

    public static (int Index, int ApicId, string State)[] Read(KernelOutput output) =>
        output.LogLines()
            .Select(line => Regex.Match(line.Text, Pattern))
            .Where(m => m.Success)
            .Select(m => (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), m.Groups[3].Value))
            .ToArray();

    public static void Expect(KernelOutput output, int cpus)
    {
        var lines = Read(output);
        output.Expect(lines.Length == cpus, $"expected {cpus} \"cpu N: APIC id X, ...\" lines, got {lines.Length}:\n  " + string.Join("\n  ", lines));
        output.Expect(lines.Select(l => l.Index).SequenceEqual(Enumerable.Range(0, cpus)), "CPU indexes are not 0.." + (cpus - 1));
        output.Expect(lines.All(l => l.State.StartsWith("in VMX root", System.StringComparison.Ordinal)), "not every CPU is in VMX root:\n  " + string.Join("\n  ", lines));
        output.Expect(lines.Select(l => l.ApicId).Distinct().Count() == cpus, "APIC ids are not distinct:\n  " + string.Join("\n  ", lines));
    }
}

[Collection(EmulatorCollections.Bochs)]
public sealed class BochsFourCpuTests(BochsFourCpuTests.Boot boot, ITestOutputHelper log)
    : BootReportTests<BochsFourCpuTests.Boot>(boot, log)
{
    [Fact]
    public void EveryCpuReachesVmxRootWithItsOwnApicId()
    {
        foreach (var (level, text) in Output.LogLines().Where(l => l.Text.StartsWith("cpu", System.StringComparison.Ordinal)))
            Log.WriteLine($"{level} {text}");
        CpuLines.Expect(Output, 4);
    }

    [Fact]
    public void NoCpuIsLeftOut()
    {
        Output.Expect(Output.IndexOf("left out") < 0, "a CPU was left out");
        Output.Line(@"cpu: 4 of 4 enabled CPU\(s\) in VMX root$");
    }

    public sealed class Boot() : IsoBootFixture(EmulatorKind.Bochs, Firmware.Bios, memoryMiB: 128, cpus: 4, timeoutSeconds: 150);
}

[Collection(EmulatorCollections.Bochs)]
public sealed class BochsMaxCpusTests(BochsMaxCpusTests.Boot boot, ITestOutputHelper log)
    : BootReportTests<BochsMaxCpusTests.Boot>(boot, log)
{
    [Fact]
    public void OnlyTwoCpusAreUsed() => CpuLines.Expect(Output, 2);

    [Fact]
    public void TheSummaryNamesTheLimit() => Output.Line(@"cpu: 2 of 4 enabled CPU\(s\) in VMX root \(maxcpus=2\)$");

    public sealed class Boot() : CommandLineIsoBootFixture("maxcpus-2", "maxcpus=2", EmulatorKind.Bochs, Firmware.Bios, memoryMiB: 128, cpus: 4, timeoutSeconds: 150);
}
