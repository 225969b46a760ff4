// Host side. Runs one emulator session to its end: prepares the run directory, opens the serial
// line, starts the emulator under a wall-clock limit, follows COM1, holds the run's conversation
// and types its input, stops the emulator once the stop line has appeared (or a conversation step
// failed), and gathers the logs into an EmulatorResult.
using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace BareVisor.Emulators;

public static class EmulatorSession
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    // Bochs leaves its simulation loop within milliseconds of SIGINT.
    private static readonly TimeSpan BochsInterruptGrace = TimeSpan.FromSeconds(2);

    // Past timeout's own TERM and KILL: only reached if timeout itself misbehaves.
    private static readonly TimeSpan BackstopSlack = TimeSpan.FromSeconds(SupervisedProcess.KillAfterSeconds + 5);

    // Both emulators connect COM1 while setting up their devices, well within a second; the
    // margin is for loaded build machines.
    private static readonly TimeSpan ConnectLimit = TimeSpan.FromSeconds(30);

    // After the emulator exited, its connection closes at once; this only bounds a stuck one.
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);

    public static async Task<EmulatorResult> RunAsync(EmulatorRun run, CancellationToken cancel = default)
    {
        run.Validate();
        string directory = RunDirectory.Create(run);
        using SerialLink link = run.Serial == SerialConsole.File ? SerialLink.Listen() : null;
        LaunchPlan plan = run.Emulator == EmulatorKind.Bochs
            ? BochsLaunch.Prepare(run, directory, link.Address)
            : QemuLaunch.Prepare(run, directory, link?.Address);

        var clock = Stopwatch.StartNew();
        using var process = SupervisedProcess.Start(plan, directory, run.Timeout);
        await File.WriteAllTextAsync(Path.Combine(directory, "command.txt"), process.CommandLine + "\n", CancellationToken.None);

        string serialPath = Path.Combine(directory, plan.SerialPath);
        var serial = new SerialFollower(serialPath);
        var conversation = new ConversationProgress(run.Conversation);
        var typing = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        using var stopTyping = new CancellationTokenSource();
        Task typist = Task.CompletedTask;
        Task input = Task.CompletedTask;
        RunEnd end;
        if (link != null && !await link.AcceptAsync(process.WaitForExitAsync(), ConnectLimit, serialPath))
        {
            end = process.HasExited ? RunEnd.Exited : await Stop(run, process, TimeSpan.Zero, RunEnd.SerialNotConnected);
        }
        else
        {
            if (link != null)
            {
                typist = Type(link, typing.Reader, run.TypingInterval, stopTyping.Token);
                if (run.Input != null)
                    input = Forward(run.Input, typing.Writer, stopTyping.Token);
            }
            end = await Supervise(run, process, serial, conversation, typing.Writer, clock, cancel);
        }
        await process.WaitForExitAsync();
        clock.Stop();
        stopTyping.Cancel();
        await Task.WhenAll(typist, input);
        if (link != null)
            await link.DrainAsync(DrainLimit);
        string rest = serial.ReadNew();
        if (rest.Length != 0)
            run.OnSerialText?.Invoke(rest);

        RunDirectory.RemoveTemporaryFiles(directory, plan);
        string console = process.ConsoleText;
        await File.WriteAllTextAsync(Path.Combine(directory, "console.log"), console, CancellationToken.None);
        return new EmulatorResult
        {
            Run = run,
            CommandLine = process.CommandLine,
            RunDirectory = directory,
            SerialRaw = serial.Text,
            EmulatorLog = RunDirectory.ReadIfPresent(directory, plan.EmulatorLogPath),
            ConsoleText = console,
            ExitCode = end is RunEnd.Exited or RunEnd.TimedOut ? process.ExitCode : null,
            End = end,
            WallTime = clock.Elapsed,
            Conversation = conversation.Finish(serial.Text, end.ToString(), clock.Elapsed),
        };
    }

    private static async Task<RunEnd> Supervise(EmulatorRun run, SupervisedProcess process, SerialFollower serial,
                                                ConversationProgress conversation, ChannelWriter<string> typing,
                                                Stopwatch clock, CancellationToken cancel)
    {
        TimeSpan backstop = run.Timeout == TimeSpan.Zero ? TimeSpan.MaxValue : run.Timeout + BackstopSlack;
        while (!process.HasExited)
        {
            if (cancel.IsCancellationRequested)
                return await Stop(run, process, TimeSpan.Zero, RunEnd.Cancelled);
            if (clock.Elapsed > backstop)
                return await Stop(run, process, TimeSpan.Zero, RunEnd.TimedOut);
            bool stopLine = SawStopLine(run, serial);
            string say = conversation.Advance(serial.Text, clock.Elapsed);
            if (say.Length != 0)
                typing.TryWrite(say);
            if (conversation.Failure != null)
                return await Stop(run, process, TimeSpan.Zero, RunEnd.ConversationFailed);
            if (stopLine)
                return await Stop(run, process, run.StopGrace, RunEnd.StoppedAfterLine);
            await Task.Delay(PollInterval, CancellationToken.None);
        }
        return EndedByTimeout(run, process, clock) ? RunEnd.TimedOut : RunEnd.Exited;
    }

    private static bool SawStopLine(EmulatorRun run, SerialFollower serial)
    {
        string added = serial.ReadNew();
        if (added.Length == 0)
            return false;
        run.OnSerialText?.Invoke(added);
        foreach (string line in SerialText.Lines(serial.Text))
            if (run.StopAfterLine(line))
                return true;
        return false;
    }

    // One typist, so that the conversation's texts and the input's lines never interleave.
    private static async Task Type(SerialLink link, ChannelReader<string> texts, TimeSpan interval, CancellationToken stop)
    {
        try
        {
            await foreach (string text in texts.ReadAllAsync(stop))
                if (!await link.TypeAsync(text, interval, stop))
                    return;
        }
        catch (OperationCanceledException)
        {
            // The run is over: whatever was not typed yet has nobody to read it.
        }
    }

    private static async Task Forward(ChannelReader<string> input, ChannelWriter<string> typing, CancellationToken stop)
    {
        try
        {
            await foreach (string text in input.ReadAllAsync(stop))
                typing.TryWrite(text);
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    /// <summary>
    /// Gives the emulator <paramref name="grace"/> to end by itself, then stops it: Bochs is first
    /// interrupted, so that it prints its tick count and exits (<see cref="EmulatorResult.BochsTicks"/>);
    /// whatever is still running after that is killed.
    /// </summary>
    private static async Task<RunEnd> Stop(EmulatorRun run, SupervisedProcess process, TimeSpan grace, RunEnd reason)
    {
        if (grace > TimeSpan.Zero && await process.WaitForExitAsync(grace))
            return RunEnd.Exited;
        if (run.Emulator == EmulatorKind.Bochs && process.Interrupt() && await process.WaitForExitAsync(BochsInterruptGrace))
            return reason;
        process.KillTree();
        return reason;
    }

    // timeout exits 124 after its SIGTERM and 137 after its SIGKILL; no emulator exits with those
    // by itself (isa-debug-exit statuses are odd, Bochs always returns 1), and the clock must agree.
    private static bool EndedByTimeout(EmulatorRun run, SupervisedProcess process, Stopwatch clock) =>
        run.Timeout > TimeSpan.Zero
        && process.ExitCode is 124 or 137
        && clock.Elapsed >= run.Timeout;
}
