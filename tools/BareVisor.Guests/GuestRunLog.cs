// Host side. Reads BareVisor's serial console after a guest run: the guests' own lines
// ("guest <vm>: <text>", with PASS/FAIL/SKIP/BENCH among them) and BareVisor's lines about each
// VM ("vm <vm>: stopped: <reason>", "vm <vm>: exits: CPUID 3, VMCALL 1", reports), grouped by VM.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace BareVisor.Guests;

public sealed class GuestRunLog
{
    // Anywhere in the line, so a timestamp or log-level prefix the kernel adds does not matter. The
    // boot report's "config: vm <vm>: ..." lines describe the configuration file, printed before any
    // guest runs: they are not the VM's.
    private static readonly Regex GuestLine = new(@"(?:^|\s)guest (?<vm>[a-z0-9][a-z0-9-]*): (?<text>.*)$", RegexOptions.Compiled);
    private static readonly Regex VmLine = new(@"(?:^|(?<!config:)\s)vm (?<vm>[a-z0-9][a-z0-9-]*): (?<text>.*)$", RegexOptions.Compiled);

    private readonly Dictionary<string, GuestRecord> records = new();
    private readonly List<string> order = new();

    private GuestRunLog()
    {
    }

    /// <summary>The VM names in the order their first line appeared.</summary>
    public IReadOnlyList<string> VmOrder => order;

    /// <summary>Every line the parser did not attribute to a VM (the kernel's own log).</summary>
    public IReadOnlyList<string> OtherLines { get; private set; } = Array.Empty<string>();

    public static GuestRunLog Parse(IEnumerable<string> lines)
    {
        var log = new GuestRunLog();
        var other = new List<string>();
        int index = 0;
        foreach (string raw in lines)
        {
            string line = raw.TrimEnd('\r');
            Match guest = GuestLine.Match(line);
            Match vm = guest.Success ? Match.Empty : VmLine.Match(line);
            if (guest.Success)
                log.Record(guest.Groups["vm"].Value).AddGuestLine(guest.Groups["text"].Value, index);
            else if (vm.Success)
                log.Record(vm.Groups["vm"].Value).AddVmLine(vm.Groups["text"].Value, index);
            else
                other.Add(line);
            index++;
        }
        log.OtherLines = other;
        return log;
    }

    public bool Has(string vm) => records.ContainsKey(vm);

    /// <summary>The VM's record; an empty one when it never printed anything.</summary>
    public GuestRecord For(string vm) => records.TryGetValue(vm, out GuestRecord record) ? record : new GuestRecord(vm);

    private GuestRecord Record(string vm)
    {
        if (!records.TryGetValue(vm, out GuestRecord record))
        {
            record = new GuestRecord(vm);
            records[vm] = record;
            order.Add(vm);
        }
        return record;
    }
}

public enum Verdict
{
    Pass,
    Fail,
    Skip,
}

/// <summary>One PASS/FAIL/SKIP line; <see cref="Detail"/> is empty for PASS.</summary>
public sealed record CheckResult(Verdict Verdict, string Check, string Detail);

public sealed class GuestRecord
{
    private static readonly Regex Pass = new(@"^PASS (?<check>\S+)$", RegexOptions.Compiled);
    private static readonly Regex FailOrSkip = new(@"^(?<verdict>FAIL|SKIP) (?<check>[^\s:]+): ?(?<detail>.*)$", RegexOptions.Compiled);
    private static readonly Regex Bench = new(@"^BENCH (?<name>\S+) (?<ticks>\d+)$", RegexOptions.Compiled);
    private static readonly Regex ExitEntry = new(@"^(?<reason>[A-Za-z0-9_]+) (?<count>\d+)$", RegexOptions.Compiled);

    private readonly List<string> guestLines = new();
    private readonly List<string> vmLines = new();
    private readonly List<CheckResult> results = new();

    internal GuestRecord(string name) => Name = name;

    public string Name { get; }

    /// <summary>What the guest printed, line by line (without "guest &lt;vm&gt;: ").</summary>
    public IReadOnlyList<string> GuestLines => guestLines;

    /// <summary>What BareVisor said about the VM (without "vm &lt;vm&gt;: ").</summary>
    public IReadOnlyList<string> VmLines => vmLines;

    public IReadOnlyList<CheckResult> Results => results;

    /// <summary>Serial line index of the VM's first and last line (-1 when it has none).</summary>
    public int FirstLine { get; private set; } = -1;

    public int LastLine { get; private set; } = -1;

    public IEnumerable<CheckResult> Failures => results.Where(r => r.Verdict == Verdict.Fail);

    /// <summary>Every "stopped: ..." reason, in order (a guest that reboots may have several).</summary>
    public IReadOnlyList<string> Stops => vmLines.Where(l => l.StartsWith("stopped: ", StringComparison.Ordinal))
                                                 .Select(l => l["stopped: ".Length..]).ToList();

    /// <summary>The last "exits:" line parsed: exit-reason name to count; null when there is none.</summary>
    public IReadOnlyDictionary<string, long> Exits
    {
        get
        {
            string line = vmLines.LastOrDefault(l => l.StartsWith("exits:", StringComparison.Ordinal));
            return line == null ? null : ParseExits(line["exits:".Length..]);
        }
    }

    /// <summary>"BENCH name ticks" lines, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Benches =>
        guestLines.Select(l => Bench.Match(l)).Where(m => m.Success)
                  .Select(m => KeyValuePair.Create(m.Groups["name"].Value, long.Parse(m.Groups["ticks"].Value, CultureInfo.InvariantCulture)))
                  .ToList();

    public IEnumerable<CheckResult> ResultsFor(string check) => results.Where(r => r.Check == check);

    public bool Passed(string check) => results.Any(r => r.Check == check && r.Verdict == Verdict.Pass);

    /// <summary>
    /// The exit count for <paramref name="reason"/> (0 when absent or when there is no exits
    /// line). Names match without regard to case and underscores: IO_INSTRUCTION = IoInstruction.
    /// </summary>
    public long ExitCount(string reason)
    {
        IReadOnlyDictionary<string, long> exits = Exits;
        if (exits == null)
            return 0;
        string wanted = ExitKey(reason);
        return exits.Where(kv => ExitKey(kv.Key) == wanted).Sum(kv => kv.Value);
    }

    /// <summary>An exit-reason name reduced for comparison: upper case, no underscores.</summary>
    public static string ExitKey(string reason) => reason.Replace("_", "").ToUpperInvariant();

    /// <summary>"CPUID 3, IO_INSTRUCTION 120" (an empty list allowed) into a dictionary; throws on a malformed entry.</summary>
    public static IReadOnlyDictionary<string, long> ParseExits(string list)
    {
        var exits = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Match m = ExitEntry.Match(part);
            if (!m.Success)
                throw new FormatException($"exit count '{part}' is not '<REASON> <count>'");
            exits[m.Groups["reason"].Value] = long.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture);
        }
        return exits;
    }

    internal void AddGuestLine(string text, int index)
    {
        Touch(index);
        guestLines.Add(text);
        Match pass = Pass.Match(text);
        if (pass.Success)
        {
            results.Add(new CheckResult(Verdict.Pass, pass.Groups["check"].Value, ""));
            return;
        }
        Match other = FailOrSkip.Match(text);
        if (other.Success)
        {
            Verdict verdict = other.Groups["verdict"].Value == "FAIL" ? Verdict.Fail : Verdict.Skip;
            results.Add(new CheckResult(verdict, other.Groups["check"].Value, other.Groups["detail"].Value));
        }
    }

    internal void AddVmLine(string text, int index)
    {
        Touch(index);
        vmLines.Add(text);
    }

    private void Touch(int index)
    {
        if (FirstLine < 0)
            FirstLine = index;
        LastLine = index;
    }
}
