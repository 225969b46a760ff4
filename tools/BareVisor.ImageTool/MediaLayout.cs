// Host side. Which files go where on a medium, and the loader scripts that hand them to BareVisor
// as boot modules named the way the kernel looks for them (see BareVisor.Core.Config.BootModuleNames):
// the configuration as "config", each guest file by its path in the configuration.
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using BareVisor.Core.Config;

namespace BareVisor.ImageTool;

/// <summary>One file of a medium: its path on the medium and either a file to copy or bytes to write.</summary>
public sealed record MediumFile(string Path, string SourcePath, byte[] Contents);

public static class MediaLayout
{
    public const string KernelName = "barevisor.elf";
    public const string ConfigName = "vms.conf";

    /// <summary>The kernel, the configuration and the guest files under root ("boot" on disks, "" for PXE).</summary>
    public static List<MediumFile> Files(MediaInputs inputs, string root)
    {
        var files = new List<MediumFile>
        {
            new(Join(root, KernelName), inputs.KernelPath, null),
            new(Join(root, ConfigName), null, inputs.ConfigBytes),
        };
        files.AddRange(inputs.GuestFiles.Select(g => new MediumFile(Join(root, g.MediumPath), g.SourcePath, null)));
        return files;
    }

    /// <summary>The start of every grub.cfg: GRUB's console on COM1 at 115200 baud as well as the screen, no menu delay.</summary>
    public const string GrubSerialConsole =
        "serial --unit=0 --speed=115200\n" +
        "terminal_input serial console\n" +
        "terminal_output serial console\n" +
        "set timeout=0\n";

    /// <summary>
    /// grub.cfg: serial console, no menu delay, BareVisor with its modules. directory is where the
    /// files are as GRUB sees them: "/boot" on a disk (its root device), "$prefix" on the network.
    /// </summary>
    public static string GrubConfig(MediaInputs inputs, string directory)
    {
        var text = new StringBuilder();
        text.Append($"# Written by barevisor-image from {Path.GetFileName(inputs.ConfigPath)}. BareVisor's console is COM1, 115200 baud.\n");
        text.Append(GrubSerialConsole);
        // Multiboot2 on UEFI wants a video mode; without a driver GRUB prints "no suitable video mode found".
        text.Append("if [ \"$grub_platform\" = efi ]; then insmod efi_gop; fi\n");
        text.Append("menuentry \"BareVisor\" {\n");
        text.Append($"    multiboot2 {directory}/{KernelName}{Arguments(inputs.KernelCommandLine)}\n");
        text.Append($"    module2 {directory}/{ConfigName} {BootModuleNames.Config}\n");
        foreach (GuestFile guest in inputs.GuestFiles)
            text.Append($"    module2 {directory}/{guest.MediumPath} {guest.ModuleName}\n");
        text.Append("    boot\n");
        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>
    /// boot.ipxe, fetched from the same server as the script (relative URIs). BIOS iPXE loads
    /// BareVisor as a Multiboot kernel itself; UEFI iPXE cannot load Multiboot images, so it chains
    /// GRUB's EFI network image, which reads grub/grub.cfg from the same server.
    /// </summary>
    public static string IpxeScript(MediaInputs inputs)
    {
        var text = new StringBuilder();
        text.Append("#!ipxe\n");
        text.Append($"# Written by barevisor-image from {Path.GetFileName(inputs.ConfigPath)}.\n");
        text.Append($"iseq ${{platform}} efi && chain {PxeLayout.GrubEfiImage} ||\n");
        text.Append($"echo BareVisor: loading {KernelName}, {ConfigName} and {inputs.GuestFiles.Count} guest file(s)\n");
        text.Append($"kernel {KernelName}{Arguments(inputs.KernelCommandLine)}\n");
        text.Append($"module {ConfigName} {BootModuleNames.Config}\n");
        foreach (GuestFile guest in inputs.GuestFiles)
            text.Append($"module {guest.MediumPath} {guest.ModuleName}\n");
        text.Append("boot\n");
        return text.ToString();
    }

    /// <summary>Copies or writes one medium file below directory.</summary>
    public static void Write(string directory, MediumFile file)
    {
        string target = Path.Combine(directory, file.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(target));
        if (file.Contents != null)
            File.WriteAllBytes(target, file.Contents);
        else
            File.Copy(file.SourcePath, target, overwrite: true);
    }

    private static string Arguments(string commandLine) => commandLine.Length == 0 ? "" : " " + commandLine;

    private static string Join(string root, string path) => root.Length == 0 ? path : root + "/" + path;
}
