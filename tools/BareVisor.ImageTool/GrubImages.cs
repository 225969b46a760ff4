// Host side. GRUB images built with grub-mkimage: the BIOS core.img for the USB image's MBR gap, the
// EFI loader for removable media (EFI/BOOT/BOOTX64.EFI) and the EFI network loader for PXE. Every
// module they need is built in, so the media carry no module directories.
using System.Collections.Generic;
using System.IO;

namespace BareVisor.ImageTool;

public static class GrubImages
{
    /// <summary>Commands grub.cfg uses: serial console, menus, Multiboot2, and finding the right partition.</summary>
    private static readonly string[] Common =
    [
        "normal", "configfile", "echo", "test", "serial", "terminal", "multiboot2", "boot", "search", "search_fs_uuid",
    ];

    public static readonly string[] BiosDisk = [.. Common, "biosdisk", "part_msdos", "fat"];
    // efi_gop: a video mode for Multiboot2 on UEFI, which otherwise reports "no suitable video mode found".
    public static readonly string[] EfiDisk = [.. Common, "efi_gop", "part_msdos", "part_gpt", "fat"];
    public static readonly string[] EfiNetwork = [.. Common, "efi_gop", "efinet", "net", "tftp"];

    /// <summary>
    /// The early configuration built into a disk image: find the partition by its FAT volume serial,
    /// so the stick boots whatever BIOS drive number or EFI device path it is reached through.
    /// </summary>
    public static string FindPartitionScript(string fatUuid) =>
        $"search --no-floppy --fs-uuid --set=root {fatUuid}\nset prefix=($root)/boot/grub\n";

    public static byte[] Build(string format, string prefix, string earlyConfig, IEnumerable<string> modules)
    {
        using var scratch = new TemporaryDirectory("barevisor-grub-");
        string output = Path.Combine(scratch.Path, "grub.img");
        var arguments = new List<string> { "-O", format, "-o", output, "-p", prefix };
        if (earlyConfig != null)
        {
            string config = Path.Combine(scratch.Path, "early.cfg");
            File.WriteAllText(config, earlyConfig);
            arguments.AddRange(["-c", config]);
        }
        arguments.AddRange(modules);
        HostTool.Run("grub-mkimage", arguments);
        return File.ReadAllBytes(output);
    }
}
