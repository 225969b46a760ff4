// Host side. `dotnet run --project tools/BareVisor.Bench -c Release`: builds an ISO with the
// kernel and the benchmark guest, boots it in Bochs (clock sync=none: RDTSC counts emulated
// instructions, so the numbers repeat exactly), reads the guest's "BENCH <name> <ticks>" lines,
// and, at the same time, boots the default Linux guest under BareVisor and natively
// (LinuxBootBench.cs); prints a table and writes artifacts/bench.json (name -> ticks per round
// trip; linux_boot_barevisor and linux_boot_native -> ticks from the kernel's first instruction to
// the shell's start; linux_boot_ratio -> the first over the second).
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
using BareVisor.ImageTool;
using BareVisor.LinuxGuest;

BenchOptions options = BenchOptions.Parse(args, Console.Error);
if (options == null)
    return 2;

string workDirectory = Path.Combine(options.Root, "artifacts", "bench");
GuestImage guest = BenchGuests.Guest(options.Iterations);
string iso = Path.Combine(workDirectory, "bench.iso");
GuestBuild linux;
NativeBuild native;
try
{
    GuestIso.WriteGuestFiles([guest], workDirectory);
    GuestIso.Build(options.Kernel, [guest], iso);
    (linux, native) = LinuxBootBench.Build(options);
}
catch (Exception e) when (e is FileNotFoundException or InvalidOperationException or ImageToolException or DebianPackageException)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    return 1;
}

Console.WriteLine($"bench: {BenchGuests.Benches.Count} benchmarks x {options.Iterations} round trips in Bochs ({options.Kernel})");
Console.WriteLine($"bench: Linux boot under BareVisor and natively ({linux.DebianKernelFile}, \"{native.CommandLine}\", {native.MemoryMiB} MiB)");
var clock = Stopwatch.StartNew();
Task<EmulatorResult> micro = EmulatorSession.RunAsync(new EmulatorRun
{
    Emulator = EmulatorKind.Bochs,
    Firmware = Firmware.Bios,
    Boot = BootSource.Iso(iso),
    MemoryMiB = 128,
    Cpus = 1,
    Timeout = options.Timeout,
    RunsDirectory = Path.Combine(workDirectory, "runs"),
});
Task<LinuxBoot> underBareVisor = LinuxBootBench.RunUnderBareVisor(linux, options);
Task<LinuxBoot> natively = LinuxBootBench.RunNatively(native, options);
await Task.WhenAll(micro, underBareVisor, natively);
clock.Stop();
EmulatorResult result = micro.Result;
LinuxBoot[] boots = [underBareVisor.Result, natively.Result];

GuestRecord vm = GuestRunLog.Parse(result.SerialLines).For(BenchGuests.VmName);
var ticks = vm.Benches.ToDictionary(kv => kv.Key, kv => kv.Value);
var missing = BenchGuests.Benches.Select(b => b.Name).Where(n => !ticks.ContainsKey(n)).ToList();

PrintTable(ticks, options.Iterations);
foreach (string line in vm.VmLines)
    Console.WriteLine($"  vm {vm.Name}: {line}");
Console.WriteLine($"Bochs: {result.End} after {result.WallTime.TotalSeconds:F1} s");
PrintLinux(boots);
Console.WriteLine($"all runs: {clock.Elapsed.TotalSeconds:F1} s");

var results = BenchGuests.Benches.Select(b => b.Name).Where(ticks.ContainsKey).Select(n => (n, (double)ticks[n])).ToList();
if (boots.All(b => b.Measured))
{
    results.Add(("linux_boot_barevisor", boots[0].Ticks.Value));
    results.Add(("linux_boot_native", boots[1].Ticks.Value));
    results.Add(("linux_boot_ratio", Math.Round((double)boots[0].Ticks.Value / boots[1].Ticks.Value, 4)));
}
if (results.Count > 0)
{
    WriteJson(options.Output, results);
    Console.WriteLine($"wrote {options.Output}");
}
bool failed = false;
if (missing.Count > 0 || vm.Failures.Any())
{
    Console.Error.WriteLine($"bench: no result for {string.Join(", ", missing)}{(vm.Failures.Any() ? "; the guest reported failures" : "")}");
    Console.Error.WriteLine(result.Report(logLines: 40));
    Console.Error.WriteLine($"bench: logs kept in {result.RunDirectory}");
    failed = true;
}
else
{
    result.DeleteRunDirectory();
}
foreach (LinuxBoot boot in boots)
{
    if (boot.Measured)
    {
        boot.Result.DeleteRunDirectory();
        continue;
    }
    Console.Error.WriteLine($"bench: Linux boot {boot.Name}: {boot.Problem}");
    Console.Error.WriteLine(boot.Result.Report(logLines: 40));
    Console.Error.WriteLine($"bench: logs kept in {boot.Result.RunDirectory}");
    failed = true;
}
return failed ? 1 : 0;

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
    if (ticks.TryGetValue("cpuid-fast", out long cpuid))
        table.AppendLine($"goal: cpuid-fast at most {CpuidGoal} ticks per round trip including the loop ({(cpuid <= CpuidGoal ? "met" : "not met")}; a minimal assembly handler does about 86)");
    Console.Write(table);
}

static void PrintLinux(LinuxBoot[] boots)
{
    Console.WriteLine("Linux boot, Bochs ticks from the kernel's first instruction to the shell's start:");
    foreach (LinuxBoot boot in boots)
        Console.WriteLine($"  {boot.Name,-16} {(boot.Measured ? boot.Ticks.Value.ToString("N0") : "-"),15}  ({boot.Result.End} after {boot.Result.WallTime.TotalSeconds:F1} s)");
    if (boots.All(b => b.Measured))
        Console.WriteLine($"  ratio {(double)boots[0].Ticks.Value / boots[1].Ticks.Value:F3} (under BareVisor / native)");
}

static void WriteJson(string path, IEnumerable<(string Name, double Value)> results)
{
    Directory.CreateDirectory(Path.GetDirectoryName(path));
    using var stream = File.Create(path);
    using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
    json.WriteStartObject();
    foreach ((string name, double value) in results)
        json.WriteNumber(name, value);
    json.WriteEndObject();
}

internal static partial class Program
{
    private const int CpuidGoal = 150;
}
