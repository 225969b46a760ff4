// Host side. What the emulated machine boots: a CD, a kernel QEMU loads itself, or a medium the
// firmware finds by itself as on a real machine (a disk image on a USB stick, a TFTP directory on
// the network).
using System;
using System.IO;

namespace BareVisor.Emulators;

/// <summary>The kinds of <see cref="BootSource"/>.</summary>
public enum BootKind
{
    /// <summary>A GRUB ISO as a CD (BIOS or UEFI, any emulator).</summary>
    Iso,

    /// <summary>A kernel ELF that QEMU loads through its Multiboot1 loader (<c>-kernel</c>/<c>-append</c>; QEMU and KVM with BIOS only).</summary>
    Kernel,

    /// <summary>A raw disk image, attached read-only as a usb-storage device, the first boot device (QEMU and KVM only).</summary>
    UsbStick,

    /// <summary>A directory QEMU's built-in DHCP and TFTP servers offer to the card's iPXE ROM (QEMU and KVM only).</summary>
    Network,
}

/// <summary>The USB host controller the stick hangs off.</summary>
public enum UsbController
{
    /// <summary>USB 2.0 (usb-ehci).</summary>
    Ehci,

    /// <summary>USB 3 (qemu-xhci).</summary>
    Xhci,
}

/// <summary>The network card whose option ROM (iPXE, from Debian's ipxe-qemu) boots from the network.</summary>
public enum NetworkCard
{
    E1000,
    VirtioNet,
}

public sealed record BootSource
{
    private BootSource() { }

    public BootKind Kind { get; private init; }

    /// <summary>The ISO image, or null when booting something else.</summary>
    public string IsoPath { get; private init; }

    /// <summary>The kernel ELF for QEMU's Multiboot1 loader, or null when booting something else.</summary>
    public string KernelPath { get; private init; }

    /// <summary>The kernel command line for <c>-append</c> (the other media carry their own).</summary>
    public string CommandLine { get; private init; }

    /// <summary>The raw disk image on the USB stick, or null when booting something else.</summary>
    public string UsbImagePath { get; private init; }

    public UsbController Controller { get; private init; }

    /// <summary>The directory QEMU's built-in TFTP server serves (user-mode network, no host access).</summary>
    public string TftpDirectory { get; private init; }

    /// <summary>The file name QEMU's built-in DHCP server offers as the boot file, relative to TftpDirectory.</summary>
    public string BootFile { get; private init; }

    public NetworkCard Card { get; private init; }

    public bool IsIso => Kind == BootKind.Iso;

    /// <summary>A USB stick or the network: media the firmware finds by itself, which only QEMU (TCG or KVM) offers here.</summary>
    public bool IsFirmwareMedium => Kind is BootKind.UsbStick or BootKind.Network;

    public static BootSource Iso(string path) =>
        new() { Kind = BootKind.Iso, IsoPath = Full(path) };

    public static BootSource Kernel(string elfPath, string commandLine = "") =>
        new() { Kind = BootKind.Kernel, KernelPath = Full(elfPath), CommandLine = commandLine ?? "" };

    public static BootSource UsbStick(string imagePath, UsbController controller) =>
        new() { Kind = BootKind.UsbStick, UsbImagePath = Full(imagePath), Controller = controller };

    public static BootSource Network(string tftpDirectory, string bootFile, NetworkCard card = NetworkCard.E1000) =>
        new() { Kind = BootKind.Network, TftpDirectory = Full(tftpDirectory), BootFile = bootFile ?? "", Card = card };

    public override string ToString() => Kind switch
    {
        BootKind.Iso => $"ISO {IsoPath}",
        BootKind.Kernel => $"kernel {KernelPath} \"{CommandLine}\"",
        BootKind.UsbStick => $"USB stick {UsbImagePath} on {Controller}",
        _ => $"network boot of {BootFile} from {TftpDirectory} via {Card}",
    };

    /// <summary>Throws when the image, kernel or boot file is missing.</summary>
    public void Validate()
    {
        switch (Kind)
        {
            case BootKind.Iso or BootKind.Kernel:
                string image = IsIso ? IsoPath : KernelPath;
                if (!File.Exists(image))
                    throw new FileNotFoundException($"boot image not found: {image}", image);
                break;
            case BootKind.UsbStick:
                if (!File.Exists(UsbImagePath))
                    throw new FileNotFoundException($"USB image not found: {UsbImagePath}", UsbImagePath);
                break;
            case BootKind.Network:
                if (BootFile.Contains(',') || BootFile.Length == 0)
                    throw new ArgumentException($"boot file name '{BootFile}' is empty or has a comma (QEMU's option separator)");
                string bootFile = Path.Combine(TftpDirectory, BootFile);
                if (!File.Exists(bootFile))
                    throw new FileNotFoundException($"boot file {BootFile} not found in {TftpDirectory}", bootFile);
                break;
        }
    }

    private static string Full(string path) =>
        Path.GetFullPath(path ?? throw new ArgumentNullException(nameof(path)));
}
