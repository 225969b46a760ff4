// Host side. A hybrid ISO (BIOS El Torito, UEFI El Torito with GRUB's EFI image, and an MBR so it
// can also be written to a stick) made by grub-mkrescue, as tools/make-iso.sh makes the bare
// developer ISO; this one also carries the configuration and the guest files as boot modules.
using System.IO;

namespace BareVisor.ImageTool;

public static class IsoBuilder
{
    public static void Build(MediaInputs inputs, string outputPath)
    {
        // grub-mkrescue silently produces a BIOS-only or broken image when a helper is missing.
        HostTool.Require("grub-mkrescue", "xorriso", "mformat", GrubDirectories.BiosModules, GrubDirectories.EfiModules);
        using var staging = new TemporaryDirectory("barevisor-iso-");
        foreach (MediumFile file in MediaLayout.Files(inputs, "boot"))
            Place(staging.Path, file);
        Place(staging.Path, new MediumFile("boot/grub/grub.cfg", null, System.Text.Encoding.ASCII.GetBytes(MediaLayout.GrubConfig(inputs, "boot"))));
        OutputFile.PrepareDirectory(outputPath);
        HostTool.Run("grub-mkrescue", ["-o", outputPath, staging.Path]);
    }

    /// <summary>Copies or writes one medium file below directory.</summary>
    public static void Place(string directory, MediumFile file)
    {
        string target = Path.Combine(directory, file.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(target));
        if (file.Contents != null)
            File.WriteAllBytes(target, file.Contents);
        else
            File.Copy(file.SourcePath, target, overwrite: true);
    }
}
