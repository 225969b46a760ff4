// Host side. A hybrid ISO (BIOS El Torito, UEFI El Torito with GRUB's EFI image, and an MBR so it
// can also be written to a stick) made by grub-mkrescue, as tools/make-iso.sh makes the bare
// developer ISO; this one also carries the configuration and the guest files as boot modules.
namespace BareVisor.ImageTool;

public static class IsoBuilder
{
    public static void Build(MediaInputs inputs, string outputPath)
    {
        // grub-mkrescue silently produces a BIOS-only or broken image when a helper is missing.
        HostTool.Require("grub-mkrescue", "xorriso", "mformat", GrubDirectories.BiosModules, GrubDirectories.EfiModules);
        using var staging = new TemporaryDirectory("barevisor-iso-");
        foreach (MediumFile file in MediaLayout.Files(inputs, "boot"))
            MediaLayout.Write(staging.Path, file);
        MediaLayout.Write(staging.Path, new MediumFile("boot/grub/grub.cfg", null, System.Text.Encoding.ASCII.GetBytes(MediaLayout.GrubConfig(inputs, "/boot"))));
        OutputFile.PrepareDirectory(outputPath);
        HostTool.Run("grub-mkrescue", ["-o", outputPath, staging.Path]);
    }
}
