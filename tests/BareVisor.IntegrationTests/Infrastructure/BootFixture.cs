// Host side. Boots the kernel once per test class (xunit class fixture) so each [Fact] checks
// one part of the same run. A run whose checks all passed deletes its directory; a failed one
// keeps serial.log, the emulator log and the config under artifacts/test-runs.
using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using BareVisor.Emulators;
using Xunit;

namespace BareVisor.IntegrationTests.Infrastructure;

public abstract class BootFixture : IAsyncLifetime
{
    public KernelOutput Output { get; private set; }

    /// <summary>How the boot is meant to end; every boot test class checks it (<see cref="BootTests{TBoot}"/>).</summary>
    public virtual ExpectedEnd ExpectedEnd => ExpectedEnd.PowerOff;

    /// <summary>The run to make; may throw when an artifact is missing (every test then fails).</summary>
    protected abstract EmulatorRun CreateRun(Repository repository);

    public async Task InitializeAsync()
    {
        var repository = Repository.Locate();
        EmulatorRun run = CreateRun(repository) with { RunsDirectory = repository.TestRuns };
        Output = new KernelOutput(await EmulatorSession.RunAsync(run));
    }

    public Task DisposeAsync()
    {
        if (Output != null && !Output.HadFailure)
            Output.Result.DeleteRunDirectory();
        return Task.CompletedTask;
    }
}

/// <summary>Boots the build's ISO through the firmware and GRUB.</summary>
public abstract class IsoBootFixture(EmulatorKind emulator, Firmware firmware, int memoryMiB, int cpus, int timeoutSeconds) : BootFixture
{
    protected override EmulatorRun CreateRun(Repository repository) => new()
    {
        Emulator = emulator,
        Firmware = firmware,
        Boot = BootSource.Iso(repository.Iso),
        MemoryMiB = memoryMiB,
        Cpus = cpus,
        Timeout = TimeSpan.FromSeconds(timeoutSeconds),
    };
}

/// <summary>
/// Boots an ISO like the build's, made from the build's ELF by tools/make-iso.sh with
/// <paramref name="commandLine"/> on GRUB's multiboot2 line, for options a firmware boot must see.
/// </summary>
public abstract class CommandLineIsoBootFixture(string name, string commandLine, EmulatorKind emulator, Firmware firmware, int memoryMiB, int cpus, int timeoutSeconds) : BootFixture
{
    protected override EmulatorRun CreateRun(Repository repository) => new()
    {
        Emulator = emulator,
        Firmware = firmware,
        Boot = BootSource.Iso(MakeIso(repository)),
        MemoryMiB = memoryMiB,
        Cpus = cpus,
        Timeout = TimeSpan.FromSeconds(timeoutSeconds),
    };

    private string MakeIso(Repository repository)
    {
        string iso = Path.Combine(repository.Artifacts, "test-isos", name + ".iso");
        Directory.CreateDirectory(Path.GetDirectoryName(iso));
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { Path.Combine(repository.Root, "tools", "make-iso.sh"), repository.KernelElf, iso, commandLine })
            info.ArgumentList.Add(argument);
        using Process process = Process.Start(info);
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"make-iso.sh failed (exit code {process.ExitCode}):\n{output}");
        return iso;
    }
}

/// <summary>
/// Boots the build's ELF through QEMU's Multiboot1 loader (-kernel) with <paramref name="commandLine"/>,
/// which is meant to end as <paramref name="expectedEnd"/>.
/// </summary>
public abstract class KernelBootFixture(string commandLine, ExpectedEnd expectedEnd = ExpectedEnd.PowerOff) : BootFixture
{
    public override ExpectedEnd ExpectedEnd => expectedEnd;

    protected override EmulatorRun CreateRun(Repository repository) => new()
    {
        Emulator = EmulatorKind.Qemu,
        Boot = BootSource.Kernel(repository.KernelElf, commandLine),
        MemoryMiB = 512,
        Timeout = TimeSpan.FromSeconds(20),
    };
}
