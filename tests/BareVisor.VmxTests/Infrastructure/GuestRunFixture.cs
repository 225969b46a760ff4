// Host side. Builds the VMX test ISO (the kernel plus every guest of TestGuests.Suite: guest
// modules, and Multiboot kernels as VMs of a configuration file) and boots it once in Bochs, the
// emulator with VT-x; each test then checks one exit family in the same serial log. A setup
// failure (no kernel, no grub-mkrescue, no Bochs) fails every test; nothing is skipped. A run whose checks all passed deletes its
// directory (unless BAREVISOR_KEEP_RUNS=1); a failed one keeps serial.log, bochs.log and bochsrc
// under artifacts/test-runs.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using BareVisor.Emulators;
using BareVisor.Guests;
using Xunit;
using Xunit.Sdk;

namespace BareVisor.VmxTests.Infrastructure;

public sealed class GuestRunFixture : IAsyncLifetime
{
    public const int MemoryMiB = 128;

    /// <summary>A model with XSAVE (and VMX with EPT): long-xsetbv's checks must pass on it, not skip.</summary>
    public const string BochsCpuModel = "corei7_skylake_x";

    /// <summary>Generous: the whole suite takes seconds in Bochs, but CI machines are shared.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    private Exception setupError;
    private GuestRun run;

    public async Task InitializeAsync()
    {
        try
        {
            var repository = Repository.Locate();
            IReadOnlyList<GuestImage> guests = TestGuests.Suite();
            string iso = Path.Combine(repository.VmxArtifacts, "vmx-tests.iso");
            GuestIso.WriteGuestFiles(guests, Path.Combine(repository.VmxArtifacts, "guests"));
            var build = System.Diagnostics.Stopwatch.StartNew();
            GuestIso.Build(repository.KernelElf, guests, iso, TestGuests.KernelCommandLine);
            build.Stop();
            var emulatorRun = new EmulatorRun
            {
                Emulator = EmulatorKind.Bochs,
                Firmware = Firmware.Bios,
                Boot = BootSource.Iso(iso),
                MemoryMiB = MemoryMiB,
                Cpus = 1,
                BochsCpuModel = BochsCpuModel,
                Timeout = Limit,
                RunsDirectory = repository.TestRuns,
            };
            EmulatorResult result = await EmulatorSession.RunAsync(emulatorRun);
            run = new GuestRun(guests, result, build.Elapsed);
        }
        catch (Exception e)
        {
            setupError = e;
        }
    }

    /// <summary>The run, or a test failure that says why there is none.</summary>
    public GuestRun Run =>
        run ?? throw new XunitException($"the VMX guest run could not be made: {setupError?.GetType().Name}: {setupError?.Message}\n{setupError}");

    /// <summary>Set to 1 to keep a passing run's directory (serial.log, bochs.log) for reading.</summary>
    public const string KeepRunsVariable = "BAREVISOR_KEEP_RUNS";

    public Task DisposeAsync()
    {
        if (run != null && !run.HadFailure && Environment.GetEnvironmentVariable(KeepRunsVariable) != "1")
            run.Result.DeleteRunDirectory();
        return Task.CompletedTask;
    }
}

/// <summary>Every test class of the VMX run shares its one Bochs boot.</summary>
[CollectionDefinition(Name)]
public sealed class BochsVmxCollection : ICollectionFixture<GuestRunFixture>
{
    public const string Name = "Bochs VMX run";
}
