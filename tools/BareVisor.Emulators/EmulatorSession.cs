// Host side. Runs one emulator session to its end: prepares the run directory, opens the serial
// line, starts the emulator under a wall-clock limit, follows COM1, holds the run's conversation
// and types its input, waits for the emulator to end by itself after the kernel's power-off line
// (stopping it only when it does not, which the result records), stops it once a stop line has
// appeared (or a conversation step failed), and gathers the logs into an EmulatorResult.
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

    // The kernel writes its power-off devices right after the power-off line, and both emulators
    // end within milliseconds of the write; the margin is for loaded build machines. An emulator
    // still running after this has ignored the power-off.
    private static readonly TimeSpan PowerOffLimit = TimeSpan.FromSeconds(15);

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
        if (link != null && await link.AcceptAsync(process.WaitForExitAsync(), ConnectLimit, serialPath) != SerialConnection.Connected)
        {
            end = process.HasExited ? RunEnd.ExitedByItself : await Stop(run, process, TimeSpan.Zero, RunEnd.SerialNotConnected);
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
            ExitCode = end == RunEnd.ExitedByItself ? process.ExitCode : null,
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
                return await Stop(run, process, TimeSpan.Zero, RunEnd.KilledAtTimeout);
            SerialNews news = ReadSerial(run, serial);
            if (news == SerialNews.PowerOffLine)
                return await AwaitPowerOff(run, process, clock);
            string say = conversation.Advance(serial.Text, clock.Elapsed);
            if (say.Length != 0)
                typing.TryWrite(say);
            if (conversation.Failure != null)
                return await Stop(run, process, TimeSpan.Zero, RunEnd.ConversationFailed);
            if (news == SerialNews.StopLine)
                return await Stop(run, process, run.StopGrace, RunEnd.StoppedAfterLine);
            await Task.Delay(PollInterval, CancellationToken.None);
        }
        return EndOfExit(run, process, clock);
    }

    // The power-off line is the kernel's promise that the machine ends now: the emulator gets
    // PowerOffLimit to end by itself, and is stopped (and the run recorded as such) if it does not.
    private static async Task<RunEnd> AwaitPowerOff(EmulatorRun run, SupervisedProcess process, Stopwatch clock)
    {
        if (await process.WaitForExitAsync(PowerOffLimit))
            return EndOfExit(run, process, clock);
        return await Stop(run, process, TimeSpan.Zero, RunEnd.KilledAfterPowerOffLine);
    }

    private enum SerialNews
    {
        Nothing,
        StopLine,
        PowerOffLine,
    }

    private static SerialNews ReadSerial(EmulatorRun run, SerialFollower serial)
    {
        string added = serial.ReadNew();
        if (added.Length == 0)
            return SerialNews.Nothing;
        run.OnSerialText?.Invoke(added);
        var news = SerialNews.Nothing;
        foreach (string line in SerialText.Lines(serial.Text))
        {
            if (SerialText.IsPowerOff(line))
                return SerialNews.PowerOffLine;
            if (run.StopAfterLine?.Invoke(line) == true)
                news = SerialNews.StopLine;
        }
        return news;
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
            return RunEnd.ExitedByItself;
        if (run.Emulator == EmulatorKind.Bochs && process.Interrupt() && await process.WaitForExitAsync(BochsInterruptGrace))
            return reason;
        process.KillTree();
        return reason;
    }

    // An exit the harness did not cause: the emulator's own, unless timeout's limit caused it.
    private static RunEnd EndOfExit(EmulatorRun run, SupervisedProcess process, Stopwatch clock) =>
        TimeoutExit.Caused(process.ExitCode, clock.Elapsed, run.Timeout) ? RunEnd.KilledAtTimeout : RunEnd.ExitedByItself;
}
