// Host side. Decides whether QEMU can use KVM with VT-x here. Three checks, cheapest first:
// /dev/kvm opens read-write; the host CPU (or the L1 guest we run in) advertises vmx; and a real
// guest runs: SeaBIOS under "-accel kvm -cpu host" prints its banner to the debug console. The
// last one matters because some hosts expose a /dev/kvm that initialises but cannot run an
// ordinary guest (QEMU then aborts on its first MSR write).
using System;
using System.IO;
using System.Linq;
using System.Threading;

namespace BareVisor.Emulators;

public sealed record KvmSupport(bool Usable, string Reason)
{
    private static readonly TimeSpan ProbeLimit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    // Synchronous on purpose: callers ask from constructors and property getters, and blocking on
    // an async probe there could deadlock under a single-threaded synchronisation context.
    private static readonly Lazy<KvmSupport> Cached = new(Detect, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Detected once per process; every check after the first is free.</summary>
    public static KvmSupport Host => Cached.Value;

    private static KvmSupport Detect()
    {
        try
        {
            using var kvm = new FileStream("/dev/kvm", FileMode.Open, FileAccess.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new(false, $"/dev/kvm cannot be opened read-write ({e.Message})");
        }
        if (!CpuHasVmx())
            return new(false, "the host CPU does not offer VT-x (no vmx flag in /proc/cpuinfo)");
        if (HostFiles.FindOnPath(HostFiles.Qemu) == null)
            return new(false, $"{HostFiles.Qemu} is not installed");
        return ProbeGuest();
    }

    private static bool CpuHasVmx() =>
        File.ReadLines("/proc/cpuinfo")
            .Where(line => line.StartsWith("flags", StringComparison.Ordinal))
            .Any(line => line.Split(' ', '\t').Contains("vmx"));

    private static KvmSupport ProbeGuest()
    {
        DirectoryInfo directory = Directory.CreateTempSubdirectory("barevisor-kvm-probe-");
        try
        {
            string[] args =
            [
                "-accel", "kvm", "-cpu", "host", "-m", "32", "-nodefaults", "-display", "none", "-no-reboot",
                "-chardev", "file,id=probe,path=probe.log", "-device", "isa-debugcon,iobase=0x402,chardev=probe",
            ];
            var plan = new LaunchPlan(HostFiles.Qemu, args, "probe.log", null, []);
            using var process = SupervisedProcess.Start(plan, directory.FullName, ProbeLimit);
            var banner = new SerialFollower(Path.Combine(directory.FullName, "probe.log"));
            while (!process.HasExited && !banner.Text.Contains("SeaBIOS"))
            {
                Thread.Sleep(PollInterval);
                banner.ReadNew();
            }
            process.KillTree();
            process.WaitForExit();
            banner.ReadNew();
            if (banner.Text.Contains("SeaBIOS"))
                return new(true, "KVM with VT-x runs a guest");
            string why = process.ConsoleText.Trim().Split('\n').FirstOrDefault(l => l.Length != 0) ?? "no output";
            return new(false, $"a QEMU/KVM probe guest did not run: {why}");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
