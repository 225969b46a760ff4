// Host side. Builds the default Linux guest (tools/BareVisor.LinuxGuest: Debian's kernel and
// busybox from apt-get, the initramfs, vms.conf, the ISO) and boots it once in Bochs, the emulator
// with VT-x. Once the shell prompt is up, the harness types the commands of GuestShell and powers
// the guest off; the run ends at BareVisor's power-off, which ends Bochs by itself, or is stopped
// at the end of a kernel panic or when the conversation is stuck, when Bochs is interrupted; both
// ways Bochs prints its tick count. A
// setup failure (no kernel ELF, no Debian package, no Bochs) fails every test; nothing is skipped.
// A run whose checks all passed deletes its directory (unless BAREVISOR_KEEP_RUNS=1); a failed one
// keeps serial.log, bochs.log and bochsrc under artifacts/test-runs.
using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using BareVisor.Emulators;
using BareVisor.LinuxGuest;
using Xunit;
using Xunit.Sdk;

namespace BareVisor.LinuxGuestTests.Infrastructure;

public sealed class LinuxBootFixture : IAsyncLifetime
{
    /// <summary>Bochs's RAM: BareVisor and the 256 MiB guest.</summary>
    public const int MemoryMiB = 512;

    /// <summary>Generous: shared two-core build machines also run the other emulator tests meanwhile.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(600);

    public const string KeepRunsVariable = "BAREVISOR_KEEP_RUNS";

    private Exception setupError;
    private LinuxBoot boot;

    public async Task InitializeAsync()
    {
        try
        {
            string root = DefaultGuest.FindRepositoryRoot(AppContext.BaseDirectory)
                          ?? throw new InvalidOperationException($"no BareVisor.sln above {AppContext.BaseDirectory}");
            var buildClock = Stopwatch.StartNew();
            GuestBuild build = DefaultGuest.Build(new GuestOptions { RepositoryRoot = root });
            buildClock.Stop();
            var run = new EmulatorRun
            {
                Emulator = EmulatorKind.Bochs,
                Firmware = Firmware.Bios,
                Boot = BootSource.Iso(build.IsoPath),
                MemoryMiB = MemoryMiB,
                Cpus = 1,
                Timeout = Limit,
                StopAfterLine = LinuxBoot.IsStopLine,
                Conversation = GuestShell.Conversation(Limit),
                StopGrace = TimeSpan.Zero,
                RunsDirectory = Path.Combine(root, "artifacts", "test-runs"),
            };
            EmulatorResult result = await EmulatorSession.RunAsync(run);
            boot = new LinuxBoot(build, result, buildClock.Elapsed);
        }
        catch (Exception e)
        {
            setupError = e;
        }
    }

    /// <summary>The boot, or a test failure that says why there is none.</summary>
    public LinuxBoot Boot =>
        boot ?? throw new XunitException($"the Linux guest could not be built and booted: {setupError?.GetType().Name}: {setupError?.Message}\n{setupError}");

    public Task DisposeAsync()
    {
        if (boot != null && !boot.HadFailure && Environment.GetEnvironmentVariable(KeepRunsVariable) != "1")
            boot.Result.DeleteRunDirectory();
        return Task.CompletedTask;
    }
}
