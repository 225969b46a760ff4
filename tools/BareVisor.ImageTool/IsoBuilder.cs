// Host side. A hybrid ISO (BIOS El Torito, UEFI El Torito with GRUB's EFI image, and an MBR so it
// can also be written to a stick) made by grub-mkrescue, as tools/make-iso.sh makes the bare
// developer ISO; this one also carries the configuration and the guest files as boot modules.
// The same builder makes any other GRUB ISO from its files and grub.cfg (the Linux guest's native
// boot for the benchmark).
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace BareVisor.ImageTool;

public static class IsoBuilder
{
    /// <summary>Where GRUB reads its configuration on the ISO.</summary>
    public const string GrubConfigPath = "boot/grub/grub.cfg";

    public static void Build(MediaInputs inputs, string outputPath)
    {
        var files = MediaLayout.Files(inputs, "boot");
        files.Add(new MediumFile(GrubConfigPath, null, Encoding.ASCII.GetBytes(MediaLayout.GrubConfig(inputs, "/boot"))));
        Build(files, outputPath);
    }

    /// <summary>An ISO of <paramref name="files"/> (paths from its root), one of which is <see cref="GrubConfigPath"/>.</summary>
    public static void Build(IEnumerable<MediumFile> files, string outputPath)
    {
        // grub-mkrescue silently produces a BIOS-only or broken image when a helper is missing.
        HostTool.Require("grub-mkrescue", "xorriso", "mformat", GrubDirectories.BiosModules, GrubDirectories.EfiModules);
        using var staging = new TemporaryDirectory("barevisor-iso-");
        foreach (MediumFile file in files)
            MediaLayout.Write(staging.Path, file);
        if (!File.Exists(Path.Combine(staging.Path, GrubConfigPath)))
            throw new ImageToolException($"the ISO's files have no {GrubConfigPath}");
        OutputFile.PrepareDirectory(outputPath);
        HostTool.Run("grub-mkrescue", ["-o", outputPath, staging.Path]);
    }
}
