// Host side. The options of one emulator session; immutable, so a test can share one safely.
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Channels;

namespace BareVisor.Emulators;

/// <summary>Everything that describes one run of BareVisor in an emulator.</summary>
public sealed record EmulatorRun
{
    public EmulatorKind Emulator { get; init; } = EmulatorKind.Qemu;

    public Firmware Firmware { get; init; } = Firmware.Bios;

    public BootSource Boot { get; init; }

    public int MemoryMiB { get; init; } = 512;

    public int Cpus { get; init; } = 1;

    /// <summary>Wall-clock limit; <see cref="TimeSpan.Zero"/> means none (interactive runs only).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Appended to the emulator's command line: QEMU options, or bochsrc options (Bochs accepts
    /// them after its flags, with the same syntax as in the file).
    /// </summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = Array.Empty<string>();

    /// <summary>Bochs CPU model; <c>tigerlake</c> is the one that also offers the monitor trap flag.</summary>
    public string BochsCpuModel { get; init; } = "corei7_skylake_x";

    public SerialConsole Serial { get; init; } = SerialConsole.File;

    /// <summary>
    /// Bochs only: <c>magic_break: enabled=1</c>, so that <c>xchg bx, bx</c> stops Bochs's debugger,
    /// which prints its tick count (<see cref="EmulatorResult.BochsStops"/>).
    /// </summary>
    public bool MagicBreak { get; init; }

    /// <summary>
    /// Bochs only: a physical address where the debugger stops once: the breakpoint is set before
    /// the run and deleted at the first stop after power-on, which should be it (code that runs at
    /// the same address later, such as a kernel decompressed over its loader, does not stop again).
    /// </summary>
    public ulong? BreakOnceAt { get; init; }

    /// <summary>
    /// Bochs only: how many debugger stops after power-on (magic breakpoints, the breakpoint) the
    /// run continues through. At the next stop Bochs exits by itself (its debugger reads the end of
    /// its closed stdin) after printing where it is, so a run can end right at its last mark. The
    /// interrupt that ends a run after its stop line is a stop too: while stops counted here remain,
    /// it only resumes Bochs, which is then killed without printing its tick count.
    /// </summary>
    public int ContinueThroughStops { get; init; }

    /// <summary>
    /// A cleaned serial line (see <see cref="SerialText"/>) after which the harness ends the run:
    /// the emulator gets <see cref="StopGrace"/> to exit by itself, then it is stopped. Null: none.
    /// The kernel's power-off line needs none: after it the harness always waits for the emulator
    /// to end by itself (<see cref="RunEnd.KilledAfterPowerOffLine"/> when it does not).
    /// </summary>
    public Func<string, bool> StopAfterLine { get; init; }

    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Receives serial text as it arrives (a developer's live view); may be null.</summary>
    public Action<string> OnSerialText { get; init; }

    /// <summary>
    /// A scripted exchange with the guest, followed as the serial output arrives (see
    /// <see cref="EmulatorResult.Conversation"/>); a step whose line does not come in time stops
    /// the run (<see cref="RunEnd.ConversationFailed"/>). It does not end the run when it is done:
    /// <see cref="StopAfterLine"/> does.
    /// </summary>
    public IReadOnlyList<ConversationStep> Conversation { get; init; } = Array.Empty<ConversationStep>();

    /// <summary>Text to type into COM1 as it comes (a terminal's lines, each ending in "\r"); may be null.</summary>
    public ChannelReader<string> Input { get; init; }

    /// <summary>
    /// The pause after each typed byte. The guest's UART holds 16 bytes and BareVisor passes input
    /// on when the guest idles, so typing goes at a human pace rather than in bursts.
    /// </summary>
    public TimeSpan TypingInterval { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Parent of the per-run directories that hold configs, copies and logs.</summary>
    public string RunsDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "barevisor-runs");

    /// <summary>
    /// Short text for reports: "Bochs Bios, ISO /x/barevisor.iso, 128 MiB, 2 CPUs", or
    /// "Qemu Uefi, USB stick /x/barevisor.img on Xhci, 256 MiB, 1 CPU".
    /// </summary>
    public string Describe() =>
        $"{Emulator} {Firmware}, {Boot}, {MemoryMiB} MiB, {Cpus} CPU{(Cpus == 1 ? "" : "s")}";

    /// <summary>Rejects combinations no emulator can run, before anything is started.</summary>
    public void Validate()
    {
        if (Boot == null)
            throw new ArgumentException("EmulatorRun.Boot is required");
        if (!Boot.IsIso && Emulator == EmulatorKind.Bochs)
            throw new ArgumentException(Boot.Kind == BootKind.Kernel
                ? "Bochs boots only an ISO; QEMU's -kernel loader has no Bochs equivalent"
                : "Bochs boots only an ISO; USB and network boot run in QEMU only (Bochs has neither a usb-storage boot path nor an iPXE ROM here)");
        if (Emulator != EmulatorKind.Bochs && (MagicBreak || BreakOnceAt != null || ContinueThroughStops != 0))
            throw new ArgumentException("magic breakpoints, breakpoints and debugger stops are Bochs's");
        if (ContinueThroughStops < 0)
            throw new ArgumentException("ContinueThroughStops must not be negative");
        if (Serial == SerialConsole.Terminal && Emulator == EmulatorKind.Bochs)
            throw new ArgumentException("Bochs cannot own the terminal (its term mode disables Ctrl-C); follow the serial line with OnSerialText and type with Input");
        if (Serial == SerialConsole.Terminal && (Conversation?.Count > 0 || Input != null))
            throw new ArgumentException("a conversation or typed input needs the harness's serial line (SerialConsole.File), not the terminal");
        if (TypingInterval < TimeSpan.Zero)
            throw new ArgumentException("TypingInterval must not be negative");
        if (Boot.Kind == BootKind.Kernel && Firmware == Firmware.Uefi)
            throw new ArgumentException("QEMU's -kernel Multiboot loader works with BIOS firmware only");
        if (MemoryMiB < 16 || Cpus < 1)
            throw new ArgumentException($"implausible machine: {MemoryMiB} MiB, {Cpus} CPUs");
        if (Timeout < TimeSpan.Zero)
            throw new ArgumentException("Timeout must not be negative");
        if (Boot.IsFirmwareMedium && Timeout == TimeSpan.Zero)
            throw new ArgumentException("USB and network runs need a wall-clock limit");
        Boot.Validate();
    }
}
