// Host side. Boot media that reach the machine through its firmware rather than as a CD or a
// QEMU-loaded kernel (see BootSource): a disk image on a USB stick, or a TFTP directory on the
// network. Used with MediaSession; QEMU (TCG or KVM) only.
using System;
using System.Collections.Generic;
using System.IO;

namespace BareVisor.Emulators;

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

public sealed record BootMedia
{
    private BootMedia() { }

    /// <summary>A raw disk image, attached read-only as a usb-storage device, the first boot device.</summary>
    public string UsbImagePath { get; private init; }

    public UsbController Controller { get; private init; }

    /// <summary>The directory QEMU's built-in TFTP server serves (user-mode network, no host access).</summary>
    public string TftpDirectory { get; private init; }

    /// <summary>The file name QEMU's built-in DHCP server offers as the boot file, relative to TftpDirectory.</summary>
    public string BootFile { get; private init; }

    public NetworkCard Card { get; private init; }

    public bool IsUsb => UsbImagePath != null;

    public static BootMedia UsbStick(string imagePath, UsbController controller) =>
        new() { UsbImagePath = Path.GetFullPath(imagePath), Controller = controller };

    public static BootMedia Network(string tftpDirectory, string bootFile, NetworkCard card = NetworkCard.E1000) =>
        new() { TftpDirectory = Path.GetFullPath(tftpDirectory), BootFile = bootFile, Card = card };

    public override string ToString() => IsUsb
        ? $"USB stick {UsbImagePath} on {Controller}"
        : $"network boot of {BootFile} from {TftpDirectory} via {Card}";

    /// <summary>Throws when the image or directory is missing.</summary>
    public void Validate()
    {
        if (IsUsb && !File.Exists(UsbImagePath))
            throw new FileNotFoundException($"USB image not found: {UsbImagePath}", UsbImagePath);
        if (!IsUsb && (BootFile.Contains(',') || BootFile.Length == 0))
            throw new ArgumentException($"boot file name '{BootFile}' is empty or has a comma (QEMU's option separator)");
        if (!IsUsb && !File.Exists(Path.Combine(TftpDirectory, BootFile)))
            throw new FileNotFoundException($"boot file {BootFile} not found in {TftpDirectory}", Path.Combine(TftpDirectory, BootFile));
    }

    /// <summary>
    /// The QEMU options for this medium. Files are reached through links in the run directory
    /// (QEMU's working directory), because QEMU's option syntax splits on commas.
    /// </summary>
    internal IReadOnlyList<string> QemuArguments(string runDirectory, List<string> temporaryFiles)
    {
        if (IsUsb)
        {
            File.CreateSymbolicLink(Path.Combine(runDirectory, "usb.img"), UsbImagePath);
            temporaryFiles.Add("usb.img");
            string controller = Controller == UsbController.Xhci ? "qemu-xhci" : "usb-ehci";
            return
            [
                "-drive", "if=none,id=stick,format=raw,readonly=on,file=usb.img",
                "-device", $"{controller},id=usb",
                "-device", "usb-storage,bus=usb.0,drive=stick,bootindex=1",
            ];
        }
        File.CreateSymbolicLink(Path.Combine(runDirectory, "tftp"), TftpDirectory);
        temporaryFiles.Add("tftp");
        string card = Card == NetworkCard.VirtioNet ? "virtio-net-pci" : "e1000";
        // restrict=on: the guest reaches QEMU's own DHCP and TFTP servers and nothing else.
        return
        [
            "-netdev", $"user,id=net,restrict=on,tftp=tftp,bootfile={BootFile}",
            "-device", $"{card},netdev=net,bootindex=1",
        ];
    }
}
