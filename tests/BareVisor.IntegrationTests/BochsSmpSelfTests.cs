// Host side. Boots the ISO in Bochs with four CPUs and a self-test that runs on the APs
// (src/BareVisor.Kernel/SelfTest/SmpSelfTest.cs). selftest=smp: three APs allocate and free pages
// and heap objects and log lines at once; the BSP's verdict must be that no page or heap block
// was handed out twice and that the counts balance, and every AP's log line must arrive whole.
// fault=pagefault-ap: the last AP reads page 0; its panic report must name that CPU, the NMI must
// have stopped the three others, and BareVisor must power off. Bochs interleaves the CPUs every
// few instructions, so the locks are contended for real.
using System.Linq;
using System.Text.RegularExpressions;
using BareVisor.Emulators;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

[Collection(EmulatorCollections.Bochs)]
public sealed class BochsSmpSelfTests(BochsSmpSelfTests.Boot boot, ITestOutputHelper log)
    : BootTests<BochsSmpSelfTests.Boot>(boot, log)
{
    private const int Aps = 3;
    private const int Rounds = 32;          // SmpSelfTest.Rounds
    private const int PagesPerRound = 4;    // SmpSelfTest.PagesPerRound
    private const string LineText = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static readonly Regex WholeLine = new(@"^smp: cpu (\d+) round (\d+) " + LineText + "$");

    [Fact]
    public void EveryCpuIsInVmxRoot() => CpuLines.Expect(Output, Aps + 1);

    [Fact]
    public void TheBootCpuFindsNoPageOrHeapBlockHandedOutTwiceAndTheCountsBalance()
    {
        Match summary = Output.Line(@"^selftest: smp: (\d+) of (\d+) AP\(s\) done; pages allocated (\d+), freed (\d+); tags or patterns overwritten (\d+); free pages (\d+) before, (\d+) after .*; heap bytes (\d+) asked, (\d+) counted$");
        Log.WriteLine(summary.Value);
        Output.Expect(Output.LogLines().Any(l => l.Level == "info" && l.Text == summary.Value), "the self-test's summary is not at level info: " + summary.Value);
        Output.Expect(summary.Groups[1].Value == Aps.ToString() && summary.Groups[2].Value == Aps.ToString(), "not every AP finished");
        string pages = (Aps * Rounds * PagesPerRound).ToString();
        Output.Expect(summary.Groups[3].Value == pages && summary.Groups[4].Value == pages, $"expected {pages} pages allocated and freed");
        Output.Expect(summary.Groups[5].Value == "0", "an AP found its page tag or heap pattern overwritten: something was handed out twice");
        Output.Expect(summary.Groups[6].Value == summary.Groups[7].Value, "the free page count does not balance");
        Output.Expect(ulong.Parse(summary.Groups[9].Value) >= ulong.Parse(summary.Groups[8].Value), "the heap counted fewer bytes than the APs asked for (a lost update)");
        Output.Line(@"selftest: smp passed$");
    }

    [Fact]
    public void EveryApsLogLineArrivesWholeAndOnce()
    {
        var serial = Output.Result.SerialLines.Where(l => l.Contains("smp: cpu", System.StringComparison.Ordinal)).ToList();
        var lines = Output.LogLines().Where(l => l.Text.StartsWith("smp: cpu", System.StringComparison.Ordinal)).ToList();
        var torn = serial.Where(l => !WholeLine.IsMatch(l)).ToList();
        Output.Expect(torn.Count == 0, $"{torn.Count} torn or mixed line(s):\n  " + string.Join("\n  ", torn.Take(10)));
        var keys = lines.Select(l => WholeLine.Match(l.Text)).Where(m => m.Success).Select(m => (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value))).ToList();
        Output.Expect(keys.Count == Aps * Rounds && keys.Distinct().Count() == Aps * Rounds, $"expected {Aps * Rounds} distinct whole lines, got {keys.Count} ({keys.Distinct().Count()} distinct)");
        Output.Expect(keys.Select(k => k.Item1).Distinct().OrderBy(c => c).SequenceEqual(Enumerable.Range(1, Aps)), "the lines do not come from CPUs 1.." + Aps);
    }

    [Fact]
    public void TheApsRanAtTheSameTime()
    {
        // Lines of one AP in a block each would mean the APs took turns; interleaved ones, that
        // they ran (and contended for the console) at once.
        var cpus = Output.LogLines().Select(l => WholeLine.Match(l.Text)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        int switches = cpus.Zip(cpus.Skip(1)).Count(p => p.First != p.Second);
        Log.WriteLine($"{switches} switches between CPUs in {cpus.Count} lines");
        Output.Expect(switches >= Rounds, $"only {switches} switches between CPUs in {cpus.Count} lines: the APs did not run concurrently");
    }

    public sealed class Boot() : CommandLineIsoBootFixture("selftest-smp", "selftest=smp", EmulatorKind.Bochs, Firmware.Bios, memoryMiB: 128, cpus: 4, timeoutSeconds: 240);
}

[Collection(EmulatorCollections.Bochs)]
public sealed class BochsApPanicTests(BochsApPanicTests.Boot boot, ITestOutputHelper log)
    : BootTests<BochsApPanicTests.Boot>(boot, log)
{
    private const string PanicLine = @"^panic: on cpu (\d+) \(APIC id (\d+)\): CPU exception 14 #PF";

    [Fact]
    public void ThePanicNamesTheApItHappenedOn()
    {
        Match line = Output.Line(PanicLine);
        Output.Expect(line.Groups[1].Value == "3" && line.Groups[2].Value == "3", "the panic does not name cpu 3 (APIC id 3): " + line.Value);
        PanicReport.NamesException(Output, 14, "#PF", 0);
    }

    [Fact]
    public void TheOtherCpusWereStoppedByTheNmi() => Output.Line(@"^panic: 3 of 3 other CPU\(s\) stopped$");

    [Fact]
    public void OnlyOneReportIsPrinted()
    {
        int reports = Output.Result.SerialLines.Count(l => l.Contains("panic: on cpu", System.StringComparison.Ordinal));
        Output.Expect(reports == 1, $"{reports} panic headers");
        Output.Expect(Output.IndexOf("no AP faulted") < 0, "the boot CPU was not stopped");
    }

    [Fact]
    public void PowerOffFollowsThePanic() => BootReport.PowerOffLineAfter(Output, PanicLine);

    public sealed class Boot() : CommandLineIsoBootFixture("pagefault-ap", "fault=pagefault-ap", EmulatorKind.Bochs, Firmware.Bios, memoryMiB: 128, cpus: 4, timeoutSeconds: 240)
    {
        public override ExpectedEnd ExpectedEnd => ExpectedEnd.PanicThenPowerOff;
    }
}

// fault=pagefault-aps: all three APs fault at once. One of them wins the report, the other two
// halt without printing, the NMI stops the BSP, and exactly one report comes out, unmixed.
[Collection(EmulatorCollections.Bochs)]
public sealed class BochsSimultaneousPanicTests(BochsSimultaneousPanicTests.Boot boot, ITestOutputHelper log)
    : BootTests<BochsSimultaneousPanicTests.Boot>(boot, log)
{
    private const string PanicLine = @"^panic: on cpu (\d+) \(APIC id (\d+)\): CPU exception 14 #PF";

    [Fact]
    public void TheOneReportNamesAnAp()
    {
        Match line = Output.Line(PanicLine);
        Log.WriteLine(line.Value);
        Output.Expect(line.Groups[1].Value is "1" or "2" or "3" && line.Groups[1].Value == line.Groups[2].Value, "the panic does not name an AP: " + line.Value);
        int headers = Output.Result.SerialLines.Count(l => l.Contains("panic: on cpu", System.StringComparison.Ordinal));
        int rips = Output.Result.SerialLines.Count(l => l.StartsWith("panic: RIP ", System.StringComparison.Ordinal));
        Output.Expect(headers == 1 && rips == 1, $"{headers} panic headers and {rips} RIP lines: more than one report");
        Output.Expect(Output.IndexOf("fault while reporting") < 0, "a second fault was taken for the first one's");
    }

    [Fact]
    public void EveryOtherCpuStopped() => Output.Line(@"^panic: 3 of 3 other CPU\(s\) stopped$");

    [Fact]
    public void EveryPanicLineIsWhole() => PanicReport.RegistersAreDumped(Output);

    public sealed class Boot() : CommandLineIsoBootFixture("pagefault-aps", "fault=pagefault-aps", EmulatorKind.Bochs, Firmware.Bios, memoryMiB: 128, cpus: 4, timeoutSeconds: 240)
    {
        public override ExpectedEnd ExpectedEnd => ExpectedEnd.PanicThenPowerOff;
    }
}
