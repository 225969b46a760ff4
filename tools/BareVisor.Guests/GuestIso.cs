// Host side (Linux). Packs the kernel and test guests into a GRUB hybrid ISO the way
// tools/make-iso.sh packs the kernel alone (same grub.cfg header, same grub-mkrescue call), plus
// one "module2 /boot/<guest>.bin guest name=... mode=..." line per guest module, in run order.
// Multiboot kernels become VMs of a configuration file (docs/boot-media.md): /boot/vms.conf as the
// module named "config" and each kernel as the module its section names; BareVisor runs them
// after the guest modules.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace BareVisor.Guests;

public static class GuestIso
{
    // What grub-mkrescue needs to make a BIOS + UEFI image, and the Debian package of each: without
    // them it silently produces a BIOS-only or broken image (as tools/make-iso.sh checks).
    private static readonly (string Path, string Package)[] Requirements =
    [
        ("grub-mkrescue", "grub-common"),
        ("xorriso", "xorriso"),
        ("mformat", "mtools"),
        ("/usr/lib/grub/i386-pc/modinfo.sh", "grub-pc-bin"),
        ("/usr/lib/grub/x86_64-efi/modinfo.sh", "grub-efi-amd64-bin"),
    ];

    /// <summary>The configuration file's name on the ISO, /boot/vms.conf.</summary>
    public const string ConfigFileName = "vms.conf";

    /// <summary>
    /// Writes <paramref name="isoPath"/>: <paramref name="kernelElf"/> as /boot/barevisor.elf,
    /// each guest as /boot/&lt;name&gt;.bin and, when there are Multiboot kernels among them, the
    /// configuration as /boot/vms.conf. Throws with grub-mkrescue's output when it fails.
    /// </summary>
    public static void Build(string kernelElf, IReadOnlyList<GuestImage> guests, string isoPath, string kernelCommandLine = "")
    {
        if (!File.Exists(kernelElf))
            throw new FileNotFoundException($"kernel '{kernelElf}' not found: run `dotnet pwsh build.ps1` first", kernelElf);
        RequireTools();
        string staging = Directory.CreateTempSubdirectory("barevisor-iso-").FullName;
        try
        {
            string boot = Path.Combine(staging, "boot");
            Directory.CreateDirectory(Path.Combine(boot, "grub"));
            File.Copy(kernelElf, Path.Combine(boot, "barevisor.elf"));
            foreach (GuestImage guest in guests)
                File.WriteAllBytes(Path.Combine(boot, guest.FileName), guest.Bytes);
            string configuration = Configuration(guests);
            if (configuration != null)
                File.WriteAllText(Path.Combine(boot, ConfigFileName), configuration);
            File.WriteAllText(Path.Combine(boot, "grub", "grub.cfg"), GrubConfig(guests, kernelCommandLine));
            string directory = Path.GetDirectoryName(Path.GetFullPath(isoPath));
            Directory.CreateDirectory(directory);
            RunGrubMkrescue(Path.GetFullPath(isoPath), staging);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>
    /// The grub.cfg: make-iso.sh's serial console and menu entry, plus a module line per guest
    /// (module guests and Multiboot kernels alike, in list order) and the configuration's.
    /// </summary>
    public static string GrubConfig(IReadOnlyList<GuestImage> guests, string kernelCommandLine = "")
    {
        string duplicate = guests.GroupBy(g => g.Name).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate != null)
            throw new ArgumentException($"two guests are named '{duplicate}'", nameof(guests));
        var text = new StringBuilder();
        text.Append("serial --unit=0 --speed=115200\n");
        text.Append("terminal_input serial console\n");
        text.Append("terminal_output serial console\n");
        text.Append("set timeout=0\n");
        text.Append("menuentry \"BareVisor\" {\n");
        text.Append($"    multiboot2 /boot/barevisor.elf {kernelCommandLine ?? ""}".TrimEnd()).Append('\n');
        foreach (GuestImage guest in guests)
            text.Append($"    module2 /boot/{guest.FileName} {guest.ModuleArguments}\n");
        if (guests.Any(g => g.IsMultibootKernel))
            text.Append($"    module2 /boot/{ConfigFileName} config\n");
        text.Append("    boot\n");
        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>The configuration file: one [vm] section per Multiboot kernel, in list order; null when there is none.</summary>
    public static string Configuration(IReadOnlyList<GuestImage> guests)
    {
        var kernels = guests.Where(g => g.IsMultibootKernel).ToList();
        if (kernels.Count == 0)
            return null;
        var text = new StringBuilder("# The VMX test run's configured VMs: Multiboot kernels built by BareVisor.Guests.\n");
        foreach (GuestImage kernel in kernels)
            text.Append('\n').Append(kernel.ConfigSection);
        return text.ToString();
    }

    /// <summary>Writes each guest's binary and listing (.bin, .lst) into <paramref name="directory"/>.</summary>
    public static void WriteGuestFiles(IReadOnlyList<GuestImage> guests, string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (GuestImage guest in guests)
        {
            File.WriteAllBytes(Path.Combine(directory, guest.FileName), guest.Bytes);
            File.WriteAllText(Path.Combine(directory, guest.Name + ".lst"), guest.Listing());
        }
    }

    private static void RequireTools()
    {
        foreach ((string path, string package) in Requirements)
        {
            bool present = Path.IsPathRooted(path) ? File.Exists(path) : OnPath(path);
            if (!present)
                throw new FileNotFoundException($"'{path}' is missing; install the Debian package '{package}'", path);
        }
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)));

    private static void RunGrubMkrescue(string isoPath, string staging)
    {
        var info = new ProcessStartInfo("grub-mkrescue")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-o");
        info.ArgumentList.Add(isoPath);
        info.ArgumentList.Add(staging);
        using Process process = Process.Start(info);
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"grub-mkrescue failed (exit code {process.ExitCode}):\n{stdout.Result}{stderr}");
    }
}
