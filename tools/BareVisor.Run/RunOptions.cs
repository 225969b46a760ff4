// Host side. The command line of BareVisor.Run.
using System;
using System.Collections.Generic;
using System.Globalization;

namespace BareVisor.Run;

internal sealed record RunOptions
{
    public const string Usage =
        """
        usage: BareVisor.Run [--emulator auto|bochs|qemu|kvm] [--firmware bios|uefi] [--iso path]
                             [--memory MiB] [--cpus n] [--timeout seconds]
          --emulator  auto (default) uses KVM when it can run VT-x guests here, else Bochs;
                      qemu is QEMU TCG (no VT-x)
          --firmware  bios (default) or uefi (OVMF)
          --iso       default: artifacts/barevisor.iso in the repository
          --memory    default 512
          --cpus      default 2
          --timeout   wall-clock limit in seconds; default 0, no limit
        QEMU's console is mon:stdio (Ctrl-A X quits). With Bochs the terminal stays in line mode:
        each line goes to the guest when Enter is pressed (the guest echoes it once more), and
        Ctrl-C ends the run.
        Exit status: QEMU's ((value << 1) | 1 after the kernel's isa-debug-exit power-off),
        0 when Bochs ends, 124 at the time limit, 130 after Ctrl-C.
        """;

    public string Emulator { get; init; } = "auto";
    public string Firmware { get; init; } = "bios";
    public string Iso { get; init; }
    public int MemoryMiB { get; init; } = 512;
    public int Cpus { get; init; } = 2;
    public int TimeoutSeconds { get; init; }
    public bool Help { get; init; }

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with the problem.</summary>
    public static RunOptions Parse(IReadOnlyList<string> args)
    {
        var options = new RunOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name is "-h" or "--help")
            {
                options = options with { Help = true };
                continue;
            }
            if (name is not ("--emulator" or "--firmware" or "--iso" or "--memory" or "--cpus" or "--timeout"))
                throw new ArgumentException($"unknown option {name}");
            string value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--emulator" => options with { Emulator = OneOf(name, value, "auto", "bochs", "qemu", "kvm") },
                "--firmware" => options with { Firmware = OneOf(name, value, "bios", "uefi") },
                "--iso" => options with { Iso = value },
                "--memory" => options with { MemoryMiB = Number(name, value) },
                "--cpus" => options with { Cpus = Number(name, value) },
                _ => options with { TimeoutSeconds = Number(name, value) },
            };
        }
        return options;
    }

    private static string OneOf(string name, string value, params string[] allowed) =>
        Array.IndexOf(allowed, value) >= 0 ? value : throw new ArgumentException($"{name} must be one of {string.Join('|', allowed)}");

    private static int Number(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : throw new ArgumentException($"{name} needs a non-negative number");
}
