// Host side. The Linux boot benchmark: Bochs ticks from the guest kernel's first instruction to the
// initramfs's mark just before the shell starts (/bin/bochs-mark, `xchg bx, bx`), once under
// BareVisor and once booted by GRUB with no hypervisor, with the same bzImage, initramfs and
// command line; and their ratio. Both boots run at the same time (Bochs uses one host core each;
// the ticks do not depend on the host).
//
//   under BareVisor  start: BareVisor's magic breakpoint right before the guest's first VM entry
//                    (the guest starts at the kernel's 64-bit entry)
//   native           start: a one-shot breakpoint at the kernel's 32-bit entry, where GRUB jumps
//                    (NativeGuest.cs); Bochs reads unknown MSRs as 0 there, as a Debian kernel
//                    reads IA32_MISC_ENABLE, which Bochs lacks, before it can take a #GP
//
// Each run ends by itself at the end mark: Bochs's debugger continues through the marks before it
// and exits at that one.
using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using BareVisor.Emulators;
using BareVisor.LinuxGuest;

namespace BareVisor.Bench;

/// <summary>One boot: its ticks between the marks (null when a mark is missing) and the run.</summary>
internal sealed record LinuxBoot(string Name, long? Ticks, EmulatorResult Result, string Problem)
{
    public bool Measured => Ticks != null;
}

internal static class LinuxBootBench
{
    /// <summary>Bochs's RAM under BareVisor: BareVisor and the 256 MiB guest (as the Linux boot test).</summary>
    public const int BareVisorMachineMiB = 512;

    /// <summary>Natively Bochs reads an unknown MSR as 0 instead of raising #GP (EMULATORS.md).</summary>
    public const string IgnoreBadMsrs = "cpu: ignore_bad_msrs=1";

    /// <summary>Builds the guest (artifacts/bench/linux-guest) and both ISOs; throws what DefaultGuest and NativeGuest throw.</summary>
    public static (GuestBuild Guest, NativeBuild Native) Build(BenchOptions options)
    {
        GuestBuild guest = DefaultGuest.Build(new GuestOptions
        {
            RepositoryRoot = options.Root,
            BareVisorKernel = options.Kernel,
            OutputDirectory = Path.Combine(options.Root, "artifacts", "bench", "linux-guest"),
        });
        NativeBuild native = NativeGuest.Build(guest.ConfigPath, Path.Combine(guest.Directory, NativeGuest.IsoName));
        return (guest, native);
    }

    public static Task<LinuxBoot> RunUnderBareVisor(GuestBuild guest, BenchOptions options) =>
        Run("under BareVisor", new EmulatorRun
        {
            Emulator = EmulatorKind.Bochs,
            Firmware = Firmware.Bios,
            Boot = BootSource.Iso(guest.IsoPath),
            MemoryMiB = BareVisorMachineMiB,
            Timeout = options.LinuxTimeout,
            MagicBreak = true,
            // The mark before the guest's first entry; Bochs exits at the initramfs's.
            ContinueThroughStops = 1,
            StopAfterLine = IsStopLine,
            StopGrace = TimeSpan.Zero,
            RunsDirectory = RunsDirectory(options),
        }, start => start.Reason == BochsStopReason.MagicBreakpoint
                    ? null
                    : $"the start is a {start.Reason} stop, not BareVisor's magic breakpoint");

    public static Task<LinuxBoot> RunNatively(NativeBuild native, BenchOptions options) =>
        Run("native", new EmulatorRun
        {
            Emulator = EmulatorKind.Bochs,
            Firmware = Firmware.Bios,
            Boot = BootSource.Iso(native.IsoPath),
            MemoryMiB = native.MemoryMiB,
            Timeout = options.LinuxTimeout,
            MagicBreak = true,
            BreakOnceAt = native.KernelEntry,
            // The breakpoint at the kernel's entry; Bochs exits at the initramfs's mark.
            ContinueThroughStops = 1,
            ExtraArgs = [IgnoreBadMsrs],
            StopAfterLine = IsStopLine,
            StopGrace = TimeSpan.Zero,
            RunsDirectory = RunsDirectory(options),
        }, start => start.Reason == BochsStopReason.Breakpoint && start.PhysicalAddress == native.KernelEntry
                    ? null
                    : $"the start is a {start.Reason} stop at 0x{start.PhysicalAddress:x}, not the breakpoint at the kernel's entry 0x{native.KernelEntry:x}");

    /// <summary>
    /// Where a run that missed its end mark stops: the shell's prompt, the end of a kernel panic.
    /// (After BareVisor's power-off line the emulator ends by itself.)
    /// </summary>
    public static bool IsStopLine(string line) =>
        line.StartsWith(Initramfs.Prompt.TrimEnd(), StringComparison.Ordinal)
        || line.Contains("---[ end Kernel panic", StringComparison.Ordinal);

    private static async Task<LinuxBoot> Run(string name, EmulatorRun run, Func<BochsStop, string> checkStart)
    {
        EmulatorResult result = await EmulatorSession.RunAsync(run);
        if (!BochsStop.TryFindUserSpaceSpan(result.BochsStops, out BochsStop start, out BochsStop end))
        {
            string stops = string.Join("; ", result.BochsStops.Select(s => $"t={s.Ticks} {s.Reason} at {s.CodeSelector:x4}:{s.Offset:x}"));
            return new LinuxBoot(name, null, result, $"no start and end marks among Bochs's stops ({stops})");
        }
        string problem = checkStart(start);
        return new LinuxBoot(name, problem == null ? end.Ticks - start.Ticks : null, result, problem);
    }

    private static string RunsDirectory(BenchOptions options) => Path.Combine(options.Root, "artifacts", "bench", "runs");
}
