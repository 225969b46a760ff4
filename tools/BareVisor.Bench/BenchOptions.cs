// Host side. The benchmark runner's command line.
using System;
using System.Globalization;
using System.IO;

namespace BareVisor.Bench;

internal sealed record BenchOptions
{
    public string Root { get; init; }

    public string Kernel { get; init; }

    public string Output { get; init; }

    public int Iterations { get; init; } = BareVisor.Guests.BenchGuests.DefaultIterations;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Wall-clock limit of each Linux boot (each takes one to two minutes).</summary>
    public TimeSpan LinuxTimeout { get; init; } = TimeSpan.FromSeconds(900);

    public const string Usage =
        "usage: BareVisor.Bench [--kernel <barevisor.elf>] [--output <bench.json>] [--iterations N] [--timeout <seconds>]\n" +
        "                       [--linux-timeout <seconds>]\n" +
        "  Boots the kernel in Bochs with the benchmark guest and writes name -> ticks per round trip; boots the\n" +
        "  default Linux guest under it and natively and writes the ticks from the kernel's first instruction to\n" +
        "  the shell's start, and their ratio.\n" +
        "  Defaults: artifacts/barevisor.elf, artifacts/bench.json, 1000 iterations, 120 s, 900 s per Linux boot.";

    /// <summary>Parses <paramref name="args"/>; null (after printing why) when they are not usable.</summary>
    public static BenchOptions Parse(string[] args, TextWriter error)
    {
        string root = FindRoot();
        var options = new BenchOptions
        {
            Root = root,
            Kernel = Path.Combine(root, "artifacts", "barevisor.elf"),
            Output = Path.Combine(root, "artifacts", "bench.json"),
        };
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--kernel" when value != null:
                    options = options with { Kernel = Path.GetFullPath(value) };
                    i++;
                    break;
                case "--output" when value != null:
                    options = options with { Output = Path.GetFullPath(value) };
                    i++;
                    break;
                case "--iterations" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0:
                    options = options with { Iterations = n };
                    i++;
                    break;
                case "--linux-timeout" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int l) && l > 0:
                    options = options with { LinuxTimeout = TimeSpan.FromSeconds(l) };
                    i++;
                    break;
                case "--timeout" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int s) && s > 0:
                    options = options with { Timeout = TimeSpan.FromSeconds(s) };
                    i++;
                    break;
                default:
                    error.WriteLine($"bench: unknown or incomplete option '{args[i]}'\n{Usage}");
                    return null;
            }
        }
        return options;
    }

    // The repository: the directory with BareVisor.sln above the working directory or this program.
    private static string FindRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "BareVisor.sln")))
                    return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
