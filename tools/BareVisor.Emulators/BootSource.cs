// Host side. What the emulated machine boots.
using System;

namespace BareVisor.Emulators;

/// <summary>
/// Either a GRUB ISO (BIOS or UEFI, any emulator) or a kernel ELF that QEMU loads itself through
/// its Multiboot1 loader (<c>-kernel</c>/<c>-append</c>; QEMU and KVM with BIOS only).
/// </summary>
public sealed record BootSource
{
    private BootSource(string isoPath, string kernelPath, string commandLine)
    {
        IsoPath = isoPath;
        KernelPath = kernelPath;
        CommandLine = commandLine;
    }

    /// <summary>The ISO image, or null when booting a kernel directly.</summary>
    public string IsoPath { get; }

    /// <summary>The kernel ELF for QEMU's Multiboot1 loader, or null when booting an ISO.</summary>
    public string KernelPath { get; }

    /// <summary>The kernel command line for <c>-append</c> (an ISO carries its own in grub.cfg).</summary>
    public string CommandLine { get; }

    public bool IsIso => IsoPath != null;

    public static BootSource Iso(string path) =>
        new(Full(path), null, null);

    public static BootSource Kernel(string elfPath, string commandLine = "") =>
        new(null, Full(elfPath), commandLine ?? "");

    public override string ToString() =>
        IsIso ? $"ISO {IsoPath}" : $"kernel {KernelPath} \"{CommandLine}\"";

    private static string Full(string path) =>
        System.IO.Path.GetFullPath(path ?? throw new ArgumentNullException(nameof(path)));
}
