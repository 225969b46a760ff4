// Host side. A directory to serve over TFTP (or HTTP) for network boot:
//   boot.ipxe      iPXE script: BIOS iPXE loads barevisor.elf as a Multiboot kernel with its modules;
//                  UEFI iPXE chains grubx64.efi (iPXE has no Multiboot loader on UEFI)
//   grubx64.efi    GRUB's EFI network loader, for UEFI clients (DHCP boot file, or chained by iPXE)
//   grub.cfg       its menu: the same modules, read from the directory grubx64.efi came from
//   barevisor.elf, vms.conf, guests/...
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace BareVisor.ImageTool;

public static class PxeLayout
{
    public const string IpxeScript = "boot.ipxe";
    public const string GrubEfiImage = "grubx64.efi";
    public const string GrubConfig = "grub.cfg";

    /// <summary>iPXE's Multiboot loader (src/arch/x86/image/multiboot.c) takes at most 8 modules ...</summary>
    public const int IpxeMaxModules = 8;

    /// <summary>... and 512 bytes for all command lines together, each being the module's URI, a space and its arguments.</summary>
    public const int IpxeCommandLineBytes = 512;

    /// <summary>What a URI prefix may take: "tftp://" + an IPv4 address + a directory of a few characters.</summary>
    public const int UriPrefixAllowance = 40;
}

public static class PxeBuilder
{
    public static IReadOnlyList<string> Build(MediaInputs inputs, string outputDirectory)
    {
        HostTool.Require("grub-mkimage", GrubDirectories.EfiModules);
        CheckIpxeLimits(inputs);
        // An empty prefix makes GRUB use the directory its own file was fetched from (the DHCP boot file's).
        byte[] grubEfi = GrubImages.Build("x86_64-efi", "", null, GrubImages.EfiNetwork);
        var files = MediaLayout.Files(inputs, "");
        files.Add(new MediumFile(PxeLayout.IpxeScript, null, Encoding.ASCII.GetBytes(MediaLayout.IpxeScript(inputs))));
        files.Add(new MediumFile(PxeLayout.GrubEfiImage, null, grubEfi));
        files.Add(new MediumFile(PxeLayout.GrubConfig, null, Encoding.ASCII.GetBytes(MediaLayout.GrubConfig(inputs, "$prefix"))));
        Directory.CreateDirectory(outputDirectory);
        foreach (MediumFile file in files)
            MediaLayout.Write(outputDirectory, file);
        return files.Select(f => f.Path).ToList();
    }

    private static void CheckIpxeLimits(MediaInputs inputs)
    {
        int modules = 1 + inputs.GuestFiles.Count;
        if (modules > PxeLayout.IpxeMaxModules)
            throw new ImageToolException(
                $"iPXE's Multiboot loader takes at most {PxeLayout.IpxeMaxModules} modules; this configuration needs {modules} "
                + $"(vms.conf and {inputs.GuestFiles.Count} guest files). Boot these machines from USB or ISO media, or split the VMs over several configurations");
        int bytes = CommandLineBytes(MediaLayout.KernelName, inputs.KernelCommandLine)
                    + CommandLineBytes(MediaLayout.ConfigName, Core.Config.BootModuleNames.Config)
                    + inputs.GuestFiles.Sum(g => CommandLineBytes(g.MediumPath, g.ModuleName));
        if (bytes > PxeLayout.IpxeCommandLineBytes)
            throw new ImageToolException(
                $"iPXE passes at most {PxeLayout.IpxeCommandLineBytes} bytes of Multiboot command lines (each module's URI and name); "
                + $"this configuration needs about {bytes}. Use shorter guest paths in the configuration");
    }

    private static int CommandLineBytes(string path, string arguments) =>
        PxeLayout.UriPrefixAllowance + path.Length + (arguments.Length == 0 ? 0 : 1 + arguments.Length) + 1;
}
