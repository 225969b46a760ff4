// Host side. One Bochs run of the guest suite: the guests as built, BareVisor's serial output
// grouped per VM, and expectations whose failures carry what a reader needs: the VM's own lines,
// the whole serial log and the tail of Bochs's log (which names failed VM-entry checks).
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using BareVisor.Emulators;
using BareVisor.Guests;
using Xunit.Sdk;

namespace BareVisor.VmxTests.Infrastructure;

public sealed class GuestRun
{
    public GuestRun(IReadOnlyList<GuestImage> guests, EmulatorResult result, TimeSpan isoBuildTime)
    {
        Guests = guests;
        Result = result;
        IsoBuildTime = isoBuildTime;
        Log = GuestRunLog.Parse(result.SerialLines);
    }

    public IReadOnlyList<GuestImage> Guests { get; }

    public EmulatorResult Result { get; }

    public GuestRunLog Log { get; }

    public TimeSpan IsoBuildTime { get; }

    /// <summary>Set once an expectation failed, so the fixture keeps the run's directory.</summary>
    public bool HadFailure { get; private set; }

    public GuestImage Guest(string name) =>
        Guests.FirstOrDefault(g => g.Name == name) ?? throw new ArgumentException($"no guest '{name}' in the suite");

    /// <summary>The VM's record; fails when BareVisor printed nothing about it at all.</summary>
    public GuestRecord Vm(string name)
    {
        if (!Log.Has(name))
            Fail($"BareVisor printed no line about VM '{name}' (no 'guest {name}: ...' or 'vm {name}: ...')");
        return Log.For(name);
    }

    /// <summary>Every check of the guest reported PASS (SKIP allowed where the guest may skip) and none FAIL.</summary>
    public void ExpectChecksPassed(string name)
    {
        GuestImage guest = Guest(name);
        GuestRecord vm = Vm(name);
        var problems = new List<string>();
        foreach (CheckResult failure in vm.Failures)
            problems.Add($"FAIL {failure.Check}: {failure.Detail}");
        foreach (GuestCheck check in guest.Checks)
        {
            var verdicts = vm.ResultsFor(check.Name).Select(r => r.Verdict).ToList();
            bool ok = check.Kind switch
            {
                GuestCheckKind.Check => verdicts.Contains(Verdict.Pass),
                GuestCheckKind.CheckOrSkip => verdicts.Contains(Verdict.Pass) || verdicts.Contains(Verdict.Skip),
                GuestCheckKind.Skip => verdicts.Contains(Verdict.Skip),
                _ => true,
            };
            if (!ok && !verdicts.Contains(Verdict.Fail))
                problems.Add($"no {(check.Kind == GuestCheckKind.Skip ? "SKIP" : "PASS")} line for check '{check.Name}'");
        }
        Expect(problems.Count == 0, $"guest {name}: {string.Join("; ", problems)}", name);
    }

    /// <summary>Each of <paramref name="checks"/> reported PASS (and none of them FAIL).</summary>
    public void ExpectPassed(string name, params string[] checks)
    {
        GuestRecord vm = Vm(name);
        foreach (string check in checks)
        {
            if (Guest(name).Checks.All(c => c.Name != check))
                throw new ArgumentException($"guest {name} has no check '{check}'");
            CheckResult failure = vm.ResultsFor(check).FirstOrDefault(r => r.Verdict == Verdict.Fail);
            Expect(failure == null, $"guest {name}: FAIL {check}: {failure?.Detail}", name);
            Expect(vm.Passed(check), $"guest {name}: no PASS line for check '{check}'", name);
        }
    }

    /// <summary>BareVisor's stop line for the guest says <paramref name="reason"/> (hex numbers compared by value).</summary>
    public void ExpectStopped(string name, string reason)
    {
        GuestRecord vm = Vm(name);
        Expect(vm.Stops.Count > 0, $"no 'vm {name}: stopped: ...' line", name);
        Expect(vm.Stops.Any(s => SameText(s, reason)),
               $"expected 'vm {name}: stopped: {reason}', got: {string.Join(" | ", vm.Stops)}", name);
    }

    /// <summary>The VM's last exits line, parsed; fails when there is none or it does not parse.</summary>
    public IReadOnlyDictionary<string, long> ExitsOf(string name)
    {
        GuestRecord vm = Vm(name);
        IReadOnlyDictionary<string, long> exits = null;
        try
        {
            exits = vm.Exits;
        }
        catch (FormatException e)
        {
            Fail($"vm {name}: unreadable exits line: {e.Message}", name);
        }
        Expect(exits != null, $"no 'vm {name}: exits: ...' line", name);
        return exits;
    }

    /// <summary>The exits line counts at least <paramref name="minimum"/> exits of <paramref name="reason"/>.</summary>
    public long ExpectExits(string name, string reason, long minimum = 1)
    {
        IReadOnlyDictionary<string, long> exits = ExitsOf(name);
        long count = Vm(name).ExitCount(reason);
        Expect(count >= minimum, $"vm {name}: expected at least {minimum} {reason} exits, got {count} ({Describe(exits)})", name);
        return count;
    }

    /// <summary>The exits line counts exactly <paramref name="expected"/> exits of <paramref name="reason"/> (0: none listed).</summary>
    public void ExpectExitCount(string name, string reason, long expected)
    {
        IReadOnlyDictionary<string, long> exits = ExitsOf(name);
        long count = Vm(name).ExitCount(reason);
        Expect(count == expected, $"vm {name}: expected {expected} {reason} exits, got {count} ({Describe(exits)})", name);
    }

    private static string Describe(IReadOnlyDictionary<string, long> exits) =>
        string.Join(", ", exits.Select(kv => kv.Key + " " + kv.Value));

    /// <summary>Lines BareVisor printed about the VM that match <paramref name="pattern"/> (case-insensitive).</summary>
    public IReadOnlyList<string> VmLinesMatching(string name, string pattern)
    {
        var regex = new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        return Vm(name).VmLines.Where(l => regex.IsMatch(l)).ToList();
    }

    public void Expect(bool condition, string what, string vm = null)
    {
        if (!condition)
            Fail(what, vm);
    }

    public void Fail(string what, string vm = null)
    {
        HadFailure = true;
        var message = new StringBuilder(what).Append("\n\n");
        if (vm != null && Log.Has(vm))
        {
            GuestRecord record = Log.For(vm);
            message.Append($"--- what VM {vm} printed ---\n");
            foreach (string line in record.GuestLines)
                message.Append("guest: ").Append(line).Append('\n');
            foreach (string line in record.VmLines)
                message.Append("vm:    ").Append(line).Append('\n');
            message.Append($"--- listing: artifacts/vmx-tests/guests/{vm}.lst ---\n\n");
        }
        message.Append(Result.Report(logLines: 60));
        throw new XunitException(message.ToString());
    }

    // "0x0000000040000000" and "0x40000000", "0xFEC00000" and "0xfec00000" are the same number.
    private static readonly Regex Hex = new("0x([0-9a-fA-F]+)", RegexOptions.Compiled);

    public static bool SameText(string a, string b) => Normalise(a) == Normalise(b);

    private static string Normalise(string text) =>
        Hex.Replace(text.Trim(), m => "0x" + (m.Groups[1].Value.TrimStart('0') is { Length: > 0 } v ? v : "0").ToLowerInvariant());
}
