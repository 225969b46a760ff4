// Host side. The default guest booted with no hypervisor, for the boot benchmark's baseline: an ISO
// on which GRUB loads the same bzImage and initramfs with its own `linux` and `initrd` commands and
// the kernel command line of the guest's vms.conf, read back from the file BareVisor boots with, so
// that both boots get the same one. The machine it runs on should have the VM's memory.
//
// GRUB's i386-pc `linux` command uses the 32-bit boot protocol: it loads the protected-mode part
// of the bzImage at the header's pref_address when the kernel is relocatable (16 MiB for Debian's;
// grub-core/loader/i386/linux.c), else at 1 MiB, and jumps to its first byte, the 32-bit entry.
// That is the kernel's first instruction natively. (GRUB's own core runs code at 1 MiB earlier,
// where it decompresses itself: a breakpoint at 1 MiB stops in GRUB.) BareVisor loads the kernel
// at the same pref_address and starts it at the 64-bit entry, 0x200 bytes further, already in long
// mode: the native boot also runs the 32-bit start-up stub (CPU checks, page tables, the switch to
// long mode): about 19,000 Bochs ticks of Debian's 6.1 kernel.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using BareVisor.Core.Config;
using BareVisor.Core.Loaders;
using BareVisor.ImageTool;

namespace BareVisor.LinuxGuest;

/// <summary>The native boot's ISO, what the machine that boots it needs, and the physical address of the kernel's first instruction.</summary>
public sealed record NativeBuild(string IsoPath, string CommandLine, int MemoryMiB, ulong KernelEntry);

public static class NativeGuest
{
    public const string IsoName = "linux-native.iso";

    /// <summary>Where GRUB loads a kernel that is not relocatable (GRUB_LINUX_BZIMAGE_ADDR).</summary>
    public const ulong FixedLoadAddress = 0x100000;

    // GRUB's script language expands $ and splits at blanks and quotes; words of these pass unchanged.
    private const string PlainCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+/=,:-@%";

    /// <summary>grub.cfg: GRUB's serial console, then the kernel at <paramref name="kernel"/> and the initramfs at <paramref name="initrd"/> (paths on the ISO).</summary>
    public static string GrubConfig(string kernel, string initrd, string commandLine)
    {
        var text = new StringBuilder();
        text.Append("# Written by barevisor-linux-guest: the default guest with no hypervisor (the boot benchmark's baseline).\n");
        text.Append(MediaLayout.GrubSerialConsole);
        text.Append("menuentry \"Linux\" {\n");
        text.Append("    linux ").Append(GrubWord(kernel));
        foreach (string word in commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            text.Append(' ').Append(GrubWord(word));
        text.Append('\n');
        text.Append("    initrd ").Append(GrubWord(initrd)).Append('\n');
        text.Append("    boot\n");
        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>
    /// A word as GRUB's script language passes it on unchanged: as it is when it has only plain
    /// characters, else in single quotes (in which GRUB expands nothing; a quote is closed,
    /// escaped and reopened).
    /// </summary>
    public static string GrubWord(string word)
    {
        if (word.Length != 0 && word.All(c => PlainCharacters.Contains(c)))
            return word;
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>
    /// The physical address GRUB's i386-pc `linux` command starts <paramref name="bzImage"/> at.
    /// Throws ImageToolException when it is no bzImage BareVisor boots either.
    /// </summary>
    public static ulong KernelEntry(ReadOnlySpan<byte> bzImage)
    {
        if (!LinuxSetupHeader.TryParse(bzImage, out LinuxSetupHeader header, out string error))
            throw new ImageToolException(error);
        return header.Relocatable ? header.PrefAddress : FixedLoadAddress;
    }

    /// <summary>
    /// Writes the ISO for the single VM of <paramref name="configPath"/> (the guest's vms.conf) to
    /// <paramref name="isoPath"/>. Throws ImageToolException when the configuration does not name
    /// one VM with a kernel and an initramfs that exist, or GRUB's tools are missing.
    /// </summary>
    public static NativeBuild Build(string configPath, string isoPath)
    {
        MediaInputs inputs = MediaInputs.Load(configPath, kernelPath: null, kernelCommandLine: "", needMultiboot1: false, checkKernel: false);
        if (inputs.Config.Vms.Length != 1)
            throw new ImageToolException($"{configPath} has {inputs.Config.Vms.Length} VMs; the native boot takes one");
        VmConfig vm = inputs.Config.Vms[0];
        GuestFile kernel = inputs.GuestFiles.FirstOrDefault(f => f.ModuleName == vm.Kernel);
        GuestFile initrd = inputs.GuestFiles.FirstOrDefault(f => f.ModuleName == vm.Initrd);
        if (kernel == null || initrd == null)
            throw new ImageToolException($"{configPath}: VM {vm.Name} needs a kernel and an initrd for the native boot");
        var files = new List<MediumFile>
        {
            new("boot/" + kernel.MediumPath, kernel.SourcePath, null),
            new("boot/" + initrd.MediumPath, initrd.SourcePath, null),
            new(IsoBuilder.GrubConfigPath, null, Encoding.ASCII.GetBytes(
                GrubConfig("/boot/" + kernel.MediumPath, "/boot/" + initrd.MediumPath, vm.CommandLine ?? ""))),
        };
        DefaultGuest.WriteWhole(isoPath, partial => IsoBuilder.Build(files, partial));
        ulong entry = KernelEntry(File.ReadAllBytes(kernel.SourcePath));
        return new NativeBuild(isoPath, vm.CommandLine ?? "", (int)(vm.MemoryBytes >> 20), entry);
    }
}
