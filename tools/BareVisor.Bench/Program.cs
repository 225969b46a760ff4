// Host side. `dotnet run --project tools/BareVisor.Bench -c Release`: builds an ISO with the
// kernel and the benchmark guest, boots it in Bochs (clock sync=none: RDTSC counts emulated
// instructions, so the numbers repeat exactly), reads the guest's "BENCH <name> <ticks>" lines,
// prints a table and writes artifacts/bench.json (name -> ticks per round trip).
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using BareVisor.Bench;
using BareVisor.Emulators;
using BareVisor.Guests;

BenchOptions options = BenchOptions.Parse(args, Console.Error);
if (options == null)
    return 2;

string workDirectory = Path.Combine(options.Root, "artifacts", "bench");
GuestImage guest = BenchGuests.Guest(options.Iterations);
string iso = Path.Combine(workDirectory, "bench.iso");
try
{
    GuestIso.WriteGuestFiles([guest], workDirectory);
    GuestIso.Build(options.Kernel, [guest], iso);
}
catch (Exception e) when (e is FileNotFoundException or InvalidOperationException)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    return 1;
}

Console.WriteLine($"bench: {BenchGuests.Benches.Count} benchmarks x {options.Iterations} round trips in Bochs ({options.Kernel})");
var clock = Stopwatch.StartNew();
EmulatorResult result = await EmulatorSession.RunAsync(new EmulatorRun
{
    Emulator = EmulatorKind.Bochs,
    Firmware = Firmware.Bios,
    Boot = BootSource.Iso(iso),
    MemoryMiB = 128,
    Cpus = 1,
    Timeout = options.Timeout,
    RunsDirectory = Path.Combine(workDirectory, "runs"),
});
clock.Stop();

GuestRecord vm = GuestRunLog.Parse(result.SerialLines).For(BenchGuests.VmName);
var ticks = vm.Benches.ToDictionary(kv => kv.Key, kv => kv.Value);
var missing = BenchGuests.Benches.Select(b => b.Name).Where(n => !ticks.ContainsKey(n)).ToList();

PrintTable(ticks, options.Iterations);
foreach (string line in vm.VmLines)
    Console.WriteLine($"  vm {vm.Name}: {line}");
Console.WriteLine($"Bochs: {result.End} after {clock.Elapsed.TotalSeconds:F1} s");

if (ticks.Count > 0)
{
    WriteJson(options.Output, BenchGuests.Benches.Select(b => b.Name).Where(ticks.ContainsKey).Select(n => (n, ticks[n])));
    Console.WriteLine($"wrote {options.Output}");
}
if (missing.Count > 0 || vm.Failures.Any())
{
    Console.Error.WriteLine($"bench: no result for {string.Join(", ", missing)}{(vm.Failures.Any() ? "; the guest reported failures" : "")}");
    Console.Error.WriteLine(result.Report(logLines: 40));
    Console.Error.WriteLine($"bench: logs kept in {result.RunDirectory}");
    return 1;
}
result.DeleteRunDirectory();
return 0;

static void PrintTable(IReadOnlyDictionary<string, long> ticks, int iterations)
{
    ticks.TryGetValue("loop", out long loop);
    var table = new StringBuilder();
    table.AppendLine($"{"benchmark",-12} {"ticks/trip",10} {"minus loop",10}  what ({iterations} round trips, loop included)");
    foreach (BenchGuests.Bench bench in BenchGuests.Benches)
    {
        string value = ticks.TryGetValue(bench.Name, out long t) ? t.ToString() : "-";
        string net = ticks.ContainsKey(bench.Name) && bench.Name != "loop" ? (t - loop).ToString() : "";
        table.AppendLine($"{bench.Name,-12} {value,10} {net,10}  {bench.What}");
    }
    if (ticks.TryGetValue("cpuid", out long cpuid))
        table.AppendLine($"goal: cpuid at most {CpuidGoal} ticks per round trip including the loop ({(cpuid <= CpuidGoal ? "met" : "not met")}; a minimal assembly handler does about 86)");
    Console.Write(table);
}

static void WriteJson(string path, IEnumerable<(string Name, long Ticks)> results)
{
    Directory.CreateDirectory(Path.GetDirectoryName(path));
    using var stream = File.Create(path);
    using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
    json.WriteStartObject();
    foreach ((string name, long value) in results)
        json.WriteNumber(name, value);
    json.WriteEndObject();
}

internal static partial class Program
{
    private const int CpuidGoal = 150;
}
