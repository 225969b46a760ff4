// Host side. Entry point of BareVisor.Run: picks the emulator, connects COM1 to the terminal,
// and exits with the emulator's status once it ends.
using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using BareVisor.Emulators;
using BareVisor.Run;

RunOptions options;
try
{
    options = RunOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"BareVisor.Run: {e.Message}\n{RunOptions.Usage}");
    return 2;
}
if (options.Help)
{
    Console.WriteLine(RunOptions.Usage);
    return 0;
}

EmulatorKind? emulator = Choice.Emulator(options.Emulator);
if (emulator == null)
    return 2;
string root = Choice.RepositoryRoot();
string iso = options.Iso ?? Path.Combine(root ?? ".", "artifacts", "barevisor.iso");
if (!File.Exists(iso))
{
    Console.Error.WriteLine($"BareVisor.Run: {iso} not found: run `dotnet pwsh build.ps1` first");
    return 2;
}

// QEMU owns the terminal (mon:stdio: keyboard input reaches the guest, Ctrl-A X quits). Bochs
// writes COM1 to a file that is copied to stdout as it grows, so Ctrl-C still stops it.
bool terminal = emulator != EmulatorKind.Bochs;
var run = new EmulatorRun
{
    Emulator = emulator.Value,
    Firmware = options.Firmware == "uefi" ? Firmware.Uefi : Firmware.Bios,
    Boot = BootSource.Iso(iso),
    MemoryMiB = options.MemoryMiB,
    Cpus = options.Cpus,
    Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
    Serial = terminal ? SerialConsole.Terminal : SerialConsole.File,
    OnSerialText = terminal ? null : text => Console.Out.Write(text),
    RunsDirectory = root == null ? Path.Combine(Path.GetTempPath(), "barevisor-runs") : Path.Combine(root, "artifacts", "runs"),
};
Console.Error.WriteLine($"BareVisor.Run: {run.Describe()}");

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
EmulatorResult result = await EmulatorSession.RunAsync(run, cancel.Token);
Console.Out.Flush();
Console.Error.WriteLine($"\nBareVisor.Run: {result.End} after {result.WallTime.TotalSeconds:F1} s; logs in {result.RunDirectory}");
return result.End switch
{
    RunEnd.TimedOut => 124,
    RunEnd.Cancelled => 130,
    // Bochs exits with 1 however it ends, so its status says nothing.
    _ when emulator == EmulatorKind.Bochs => 0,
    _ => result.ExitCode ?? 0,
};
