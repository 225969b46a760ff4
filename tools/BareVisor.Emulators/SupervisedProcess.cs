// Host side. Starts an emulator under coreutils `timeout`, so that it dies at its wall-clock
// limit even if this .NET process is killed first (a crashed test host must not leave a Bochs
// spinning), and collects what it prints.
using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace BareVisor.Emulators;

internal sealed class SupervisedProcess : IDisposable
{
    /// <summary>Seconds between timeout's SIGTERM and its SIGKILL.</summary>
    public const int KillAfterSeconds = 5;

    private readonly Process process;
    private readonly StringBuilder console = new();

    private SupervisedProcess(Process process) => this.process = process;

    /// <summary>The full command, as a shell would show it, for reports and command.txt.</summary>
    public string CommandLine { get; private init; }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>Everything the emulator wrote to stdout and stderr (empty when it owns the terminal).</summary>
    public string ConsoleText
    {
        get { lock (console) return console.ToString(); }
    }

    /// <summary>
    /// Starts <paramref name="plan"/>'s program in <paramref name="workingDirectory"/>. Headless
    /// runs go into their own session (setsid) so terminal signals and job control never reach
    /// them, and their stdin is an immediately closed pipe (an unexpected Bochs debugger prompt
    /// reads EOF and quits instead of blocking). Terminal runs stay in the terminal's foreground
    /// process group (timeout --foreground, no setsid) and inherit stdio: the emulator reads the
    /// keyboard.
    /// </summary>
    public static SupervisedProcess Start(LaunchPlan plan, string workingDirectory, TimeSpan limit)
    {
        bool redirect = !plan.InheritsTerminal;
        var info = new ProcessStartInfo("timeout")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = redirect,
            RedirectStandardOutput = redirect,
            RedirectStandardError = redirect,
        };
        if (plan.InheritsTerminal)
            info.ArgumentList.Add("--foreground");
        info.ArgumentList.Add($"--kill-after={KillAfterSeconds}");
        // A duration of 0 disables timeout's limit.
        info.ArgumentList.Add(Math.Ceiling(limit.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        if (!plan.InheritsTerminal)
            info.ArgumentList.Add("setsid");
        info.ArgumentList.Add(plan.Program);
        foreach (string argument in plan.Arguments)
            info.ArgumentList.Add(argument);

        var process = new Process { StartInfo = info };
        var supervised = new SupervisedProcess(process) { CommandLine = ShellQuote.Join(info.FileName, info.ArgumentList) };
        if (redirect)
        {
            process.OutputDataReceived += (_, e) => supervised.Append(e.Data);
            process.ErrorDataReceived += (_, e) => supervised.Append(e.Data);
        }
        process.Start();
        if (redirect)
        {
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
        return supervised;
    }

    /// <summary>Kills timeout, setsid's child and anything the emulator started.</summary>
    public void KillTree()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the caller's check and the kill: nothing left to do.
        }
    }

    /// <summary>
    /// Sends SIGINT to timeout, which passes it on to the emulator. Bochs's debugger then stops
    /// the simulation, prints where it is ("Next at t=TICKS") and, its stdin being closed, exits.
    /// False when the process is gone or the signal could not be sent.
    /// </summary>
    public bool Interrupt()
    {
        try
        {
            return !process.HasExited && SendSignal(process.Id, SignalInterrupt) == 0;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private const int SignalInterrupt = 2;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public async Task<bool> WaitForExitAsync(TimeSpan within)
    {
        using var cancel = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits for the process and for the last of its redirected output.</summary>
    public Task WaitForExitAsync() => process.WaitForExitAsync();

    /// <summary>The blocking form of <see cref="WaitForExitAsync()"/>, for the KVM probe.</summary>
    public void WaitForExit() => process.WaitForExit();

    public void Dispose() => process.Dispose();

    private void Append(string line)
    {
        if (line == null)
            return;
        lock (console)
            console.Append(line).Append('\n');
    }
}
