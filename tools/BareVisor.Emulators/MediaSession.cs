// Host side. Runs BareVisor from BootMedia (USB stick, network) in QEMU: the firmware finds the
// medium and boots it, as on a real machine. The same supervision as EmulatorSession (wall-clock
// limit through `timeout`, stop after the power-off line, logs gathered into an EmulatorResult);
// EmulatorRun supplies the machine (firmware, memory, CPUs, limits) and its Boot is ignored.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace BareVisor.Emulators;

public static class MediaSession
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan BackstopSlack = TimeSpan.FromSeconds(SupervisedProcess.KillAfterSeconds + 5);

    public static async Task<EmulatorResult> RunAsync(EmulatorRun run, BootMedia media, CancellationToken cancel = default)
    {
        if (run.Emulator == EmulatorKind.Bochs)
            throw new ArgumentException("USB and network boot run in QEMU only (Bochs has neither a usb-storage boot path nor an iPXE ROM here)");
        if (run.Timeout <= TimeSpan.Zero)
            throw new ArgumentException("media runs need a wall-clock limit");
        media.Validate();
        string directory = RunDirectory.Create(run);
        LaunchPlan plan = Prepare(run, media, directory);

        var clock = Stopwatch.StartNew();
        using var process = SupervisedProcess.Start(plan, directory, run.Timeout);
        await File.WriteAllTextAsync(Path.Combine(directory, "command.txt"), process.CommandLine + "\n", CancellationToken.None);
        var serial = new SerialFollower(Path.Combine(directory, plan.SerialPath));
        RunEnd end = await Supervise(run, process, serial, clock, cancel);
        await process.WaitForExitAsync();
        clock.Stop();
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
        };
    }

    /// <summary>The QEMU command line: the same machine QemuLaunch describes, booting from the medium.</summary>
    internal static LaunchPlan Prepare(EmulatorRun run, BootMedia media, string runDirectory)
    {
        HostFiles.Require(HostFiles.Qemu, "qemu-system-x86");
        var temporary = new List<string>();
        var args = new List<string>();
        if (run.Emulator == EmulatorKind.Kvm)
            args.AddRange(["-accel", "kvm", "-cpu", "host"]);
        else
            args.AddRange(["-accel", "tcg", "-cpu", "max"]);
        args.AddRange(["-m", run.MemoryMiB.ToString(), "-smp", run.Cpus.ToString()]);
        args.AddRange(["-display", "none", "-no-reboot"]);
        args.AddRange(["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]);
        args.AddRange(["-d", "cpu_reset", "-D", "qemu.log"]);
        args.AddRange(["-serial", "file:serial.log"]);
        if (run.Firmware == Firmware.Uefi)
        {
            HostFiles.Require(HostFiles.OvmfCode, "ovmf");
            HostFiles.Require(HostFiles.OvmfVarsTemplate, "ovmf");
            File.Copy(HostFiles.OvmfVarsTemplate, Path.Combine(runDirectory, "ovmf-vars.fd"));
            temporary.Add("ovmf-vars.fd");
            args.AddRange(["-drive", $"if=pflash,format=raw,readonly=on,file={HostFiles.OvmfCode}"]);
            args.AddRange(["-drive", "if=pflash,format=raw,file=ovmf-vars.fd"]);
        }
        args.AddRange(media.QemuArguments(runDirectory, temporary));
        args.AddRange(run.ExtraArgs);
        return new LaunchPlan(HostFiles.Qemu, args, "serial.log", "qemu.log", temporary);
    }

    private static async Task<RunEnd> Supervise(EmulatorRun run, SupervisedProcess process, SerialFollower serial,
                                                Stopwatch clock, CancellationToken cancel)
    {
        TimeSpan backstop = run.Timeout + BackstopSlack;
        while (!process.HasExited)
        {
            if (cancel.IsCancellationRequested)
                return Stop(process, RunEnd.Cancelled);
            if (clock.Elapsed > backstop)
                return Stop(process, RunEnd.TimedOut);
            if (SawStopLine(run, serial))
                return await process.WaitForExitAsync(run.StopGrace) ? RunEnd.Exited : Stop(process, RunEnd.StoppedAfterLine);
            await Task.Delay(PollInterval, CancellationToken.None);
        }
        // timeout(1) exits 124 after its TERM and 137 after its KILL.
        return process.ExitCode is 124 or 137 && clock.Elapsed >= run.Timeout ? RunEnd.TimedOut : RunEnd.Exited;
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

    private static RunEnd Stop(SupervisedProcess process, RunEnd reason)
    {
        process.KillTree();
        return reason;
    }
}
