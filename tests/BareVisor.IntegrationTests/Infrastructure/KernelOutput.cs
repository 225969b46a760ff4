// Host side. Reads one run's serial lines the way the kernel's output contract describes them;
// every failed expectation carries the whole serial log and the emulator log's tail.
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using BareVisor.Emulators;
using Xunit.Sdk;

namespace BareVisor.IntegrationTests.Infrastructure;

public sealed class KernelOutput
{
    public KernelOutput(EmulatorResult result) => Result = result;

    public EmulatorResult Result { get; }

    /// <summary>Set once any expectation failed, so the fixture keeps the run's directory.</summary>
    public bool HadFailure { get; private set; }

    /// <summary>The first line matching <paramref name="pattern"/>; fails the test if there is none.</summary>
    public Match Line(string pattern)
    {
        var regex = new Regex(pattern);
        Match match = Result.SerialLines.Select(line => regex.Match(line)).FirstOrDefault(m => m.Success);
        if (match == null)
            Fail($"expected a serial line matching /{pattern}/");
        return match;
    }

    // "[    0.024452] warn  boot: ..." as Log.cs writes it.
    private static readonly Regex LogLine = new(@"^\[\s*\d+\.\d+\] (debug|info|warn|error) +(.*)$");

    /// <summary>The kernel's log lines with their level (debug, info, warn, error), in order; unprefixed lines are left out.</summary>
    public IReadOnlyList<(string Level, string Text)> LogLines() =>
        SerialText.Printable(Result.SerialRaw).Split('\n')
                  .Select(line => LogLine.Match(line.TrimEnd()))
                  .Where(m => m.Success)
                  .Select(m => (m.Groups[1].Value, m.Groups[2].Value))
                  .ToList();

    /// <summary>Index of the first line matching <paramref name="pattern"/>, or -1.</summary>
    public int IndexOf(string pattern)
    {
        var regex = new Regex(pattern);
        for (int i = 0; i < Result.SerialLines.Count; i++)
            if (regex.IsMatch(Result.SerialLines[i]))
                return i;
        return -1;
    }

    public void Expect(bool condition, string what)
    {
        if (!condition)
            Fail(what);
    }

    public void Fail(string what)
    {
        HadFailure = true;
        throw new XunitException($"{what}\n\n{Result.Report()}");
    }
}
