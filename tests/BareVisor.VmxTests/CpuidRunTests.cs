// Host side. CPUID as a running guest gets it, whichever path answers (the exit stub's fast
// path, the cached policy, the live policy): each of cpuid-leaves' answers must be CpuidPolicy
// applied to the CPU's own answers, which BareVisor prints at loglevel=debug. And guests that
// loop on a leaf the fast path answers are preempted like any other: stopped at their time
// limit, interrupted by their timers.
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using BareVisor.Core.Cpu;
using BareVisor.Core.Vmx.Exits;
using BareVisor.Guests;
using BareVisor.VmxTests.Infrastructure;
using Xunit;

namespace BareVisor.VmxTests;

[Collection(BochsVmxCollection.Name)]
public sealed class CpuidRunTests
{
    private const string Guest = "cpuid-leaves";
    private static readonly Regex Answer = new(@"^(?<tag>CPUID(-XSAVE)?) 0x(?<leaf>[0-9a-f]+) 0x(?<subleaf>[0-9a-f]+) 0x(?<eax>[0-9a-f]+) 0x(?<ebx>[0-9a-f]+) 0x(?<ecx>[0-9a-f]+) 0x(?<edx>[0-9a-f]+)$");
    private static readonly Regex Late = new(@"^time limit reached; stopped (?<us>\d+) us after it$");

    private readonly GuestRunFixture fixture;

    public CpuidRunTests(GuestRunFixture fixture) => this.fixture = fixture;

    private GuestRun Run => fixture.Run;

    [Fact]
    public void EveryLeafAndSubleafIsThePolicyAppliedToTheCpusOwnAnswers()
    {
        RecordedCpu cpu = RecordedCpu.FromLog(Run.Log.OtherLines);
        List<GuestAnswer> answers = Answers(CpuidGuests.AnswerTag);
        var mismatches = new List<string>();
        foreach (GuestAnswer answer in answers)
            Compare(ref cpu, answer, guestXcr0: 1, osxsave: false, mismatches);
        Run.Expect(mismatches.Count == 0, $"{mismatches.Count} of {answers.Count} answers differ from CpuidPolicy:\n{string.Join("\n", mismatches.Take(40))}", Guest);

        var asked = answers.Select(a => (a.Leaf, a.Subleaf)).ToHashSet();
        var notAsked = cpu.Asked.Where(k => !asked.Contains(k)).ToList();
        Run.Expect(notAsked.Count == 0, $"the guest did not ask {notAsked.Count} leaves the CPU has, e.g. {string.Join(", ", notAsked.Take(8).Select(Name))}", Guest);
        var hypervisor = Enumerable.Range(0, (int)CpuidGuests.HypervisorLeaves)
            .SelectMany(i => Enumerable.Range(0, (int)CpuidLeafRange.Subleaves).Select(s => (GuestCode.HypervisorLeaf + (uint)i, (uint)s)));
        Run.Expect(hypervisor.All(asked.Contains), "the guest did not ask every hypervisor leaf and subleaf", Guest);
    }

    [Fact]
    public void LeavesThatFollowXcr0AndCr4AreThePolicyAfterXsetbv()
    {
        RecordedCpu cpu = RecordedCpu.FromLog(Run.Log.OtherLines);
        string xcr0Line = Run.Vm(Guest).GuestLines.FirstOrDefault(l => l.StartsWith(CpuidGuests.Xcr0Tag + " ", System.StringComparison.Ordinal));
        Run.Expect(xcr0Line != null, $"no '{CpuidGuests.Xcr0Tag}' line: the guest did not get through XSETBV", Guest);
        ulong xcr0 = System.Convert.ToUInt64(xcr0Line[(CpuidGuests.Xcr0Tag.Length + 1)..], 16);
        // Bochs's corei7_skylake_x has XSAVE with x87, SSE and AVX, all of which guests may enable.
        Run.Expect(xcr0 == CpuidPolicy.AllowedXcr0, $"XCR0 0x{xcr0:x} after XSETBV; expected 0x{CpuidPolicy.AllowedXcr0:x} (x87, SSE, AVX)", Guest);
        List<GuestAnswer> answers = Answers(CpuidGuests.XsaveAnswerTag);
        Run.Expect(answers.Count == CpuidLeafRange.Subleaves + CpuidLeafRange.XsaveSubleaves,
                   $"{answers.Count} answers after XSETBV; expected leaf 1's {CpuidLeafRange.Subleaves} and leaf 0xD's {CpuidLeafRange.XsaveSubleaves}", Guest);
        var mismatches = new List<string>();
        foreach (GuestAnswer answer in answers)
            Compare(ref cpu, answer, xcr0, osxsave: true, mismatches);
        Run.Expect(mismatches.Count == 0, $"answers after XSETBV differ from CpuidPolicy:\n{string.Join("\n", mismatches.Take(40))}", Guest);
    }

    [Fact]
    public void FastPathLoopIsStoppedAtItsTimeLimit()
    {
        Run.ExpectStopped("cpuid-spin", TestGuests.TimeLimitStop);
        // Its CPUIDs came through the fast path (or this guest proves nothing), which handed one
        // to the run loop once the time limit was reached.
        Run.ExpectExits("cpuid-spin", "CPUID", 1000);
    }

    [Fact]
    public void TimeLimitedGuestsAreStoppedWithinOneSliceOfTheirDeadline()
    {
        foreach (string name in new[] { "spin", "hammer", "cpuid-spin" })
        {
            Match late = Run.Vm(name).VmLines.Select(l => Late.Match(l)).FirstOrDefault(m => m.Success);
            Run.Expect(late != null, $"no 'time limit reached; stopped N us after it' line for {name}", name);
            ulong microseconds = ulong.Parse(late.Groups["us"].Value, CultureInfo.InvariantCulture);
            // The deadline is checked at every exit the run loop sees, and the VMX-preemption
            // timer brings one at least every slice; handling that exit takes far less than 1 ms.
            ulong bound = TimerExit.SliceNanoseconds / 1000 + 1000;
            Run.Expect(microseconds <= bound, $"{name} was stopped {microseconds} us after its deadline; expected at most {bound} us (a slice and 1 ms)", name);
        }
    }

    [Fact]
    public void FastPathLoopReceivesItsTimerInterrupts()
    {
        Run.ExpectChecksPassed("cpuid-timer");
        // The loop's CPUIDs went through the fast path, which left the run loop's looks (where
        // interrupts are injected) to the timer and to CPUID exits handed over when one was due.
        Run.ExpectExits("cpuid-timer", "CPUID", 100);
        Run.ExpectStopped("cpuid-timer", "powered off with status 0");
    }

    private void Compare(ref RecordedCpu cpu, GuestAnswer answer, ulong guestXcr0, bool osxsave, List<string> mismatches)
    {
        CpuidResult expected = CpuidPolicy.Apply(ref cpu, answer.Leaf, answer.Subleaf, guestXcr0);
        // CPUID.1:ECX.OSXSAVE reads CR4.OSXSAVE (SDM Vol. 2A, CPUID).
        if (osxsave && answer.Leaf == 1)
            expected.Ecx |= CpuidPolicy.Leaf1EcxOsxsave;
        if (!expected.Equals(answer.Result))
            mismatches.Add($"{Name((answer.Leaf, answer.Subleaf))}: guest got {Format(answer.Result)}, policy says {Format(expected)}");
    }

    private List<GuestAnswer> Answers(string tag)
    {
        var answers = new List<GuestAnswer>();
        foreach (string line in Run.Vm(Guest).GuestLines)
        {
            Match m = Answer.Match(line);
            if (m.Success && m.Groups["tag"].Value == tag)
                answers.Add(new GuestAnswer(Hex(m, "leaf"), Hex(m, "subleaf"), new CpuidResult(Hex(m, "eax"), Hex(m, "ebx"), Hex(m, "ecx"), Hex(m, "edx"))));
        }
        Run.Expect(answers.Count > 0, $"cpuid-leaves printed no '{tag} ...' lines", Guest);
        return answers;
    }

    private static string Name((uint Leaf, uint Subleaf) key) => $"leaf 0x{key.Leaf:x}.{key.Subleaf}";

    private static string Format(CpuidResult r) => $"{r.Eax:x8} {r.Ebx:x8} {r.Ecx:x8} {r.Edx:x8}";

    private static uint Hex(Match m, string group) => uint.Parse(m.Groups[group].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private readonly record struct GuestAnswer(uint Leaf, uint Subleaf, CpuidResult Result);
}
