// Host side. Entry point of BareVisor.Run: picks the emulator, connects COM1 to the terminal,
// and exits with the emulator's status once it ends.
using System;
using System.IO;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using BareVisor.Emulators;
using BareVisor.Run;
using Microsoft.Win32.SafeHandles;

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

// QEMU owns the terminal (mon:stdio: keyboard input reaches the guest, Ctrl-A X quits). Bochs's
// COM1 is the harness's line instead: what the guest sends is copied to stdout as it arrives, and
// each line typed at the terminal goes to the guest when Enter is pressed. The terminal stays in
// line mode (its own editing and echo), so Ctrl-C still stops Bochs.
bool terminal = emulator != EmulatorKind.Bochs;
Channel<string> typed = terminal ? null : Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleWriter = true });
var view = new TerminalQueryFilter();
var run = new EmulatorRun
{
    Emulator = emulator.Value,
    Firmware = options.Firmware == "uefi" ? Firmware.Uefi : Firmware.Bios,
    Boot = BootSource.Iso(iso),
    MemoryMiB = options.MemoryMiB,
    Cpus = options.Cpus,
    Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
    Serial = terminal ? SerialConsole.Terminal : SerialConsole.File,
    OnSerialText = terminal ? null : text => Console.Out.Write(view.Filter(text)),
    Input = typed?.Reader,
    RunsDirectory = root == null ? Path.Combine(Path.GetTempPath(), "barevisor-runs") : Path.Combine(root, "artifacts", "runs"),
};
Console.Error.WriteLine($"BareVisor.Run: {run.Describe()}");

if (typed != null)
    ReadTerminalLines(typed.Writer);

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
    RunEnd.KilledAtTimeout => 124,
    RunEnd.Cancelled => 130,
    // Bochs exits with 1 however it ends, so its status says nothing.
    _ when emulator == EmulatorKind.Bochs => 0,
    _ => result.ExitCode ?? 0,
};

// A serial tty takes CR as Enter. Standard input is read straight from its file descriptor:
// .NET's console stream would switch the terminal out of line mode to edit and echo lines itself.
// The reading thread is left blocked in read() when the run ends.
static void ReadTerminalLines(ChannelWriter<string> typed)
{
    var reader = new Thread(() =>
    {
        using var input = new StreamReader(new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0));
        string line;
        while ((line = input.ReadLine()) != null)
            typed.TryWrite(line + "\r");
        typed.TryComplete();
    })
    {
        IsBackground = true,
        Name = "terminal lines",
    };
    reader.Start();
}
