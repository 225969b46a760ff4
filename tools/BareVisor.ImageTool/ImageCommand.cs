// Host side. barevisor-image's command line: parses it, runs one command, and turns every failure
// into a message and an exit status (0 done, 1 bad input, 2 bad usage, 3 host program missing or failed).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BareVisor.Core.Config;

namespace BareVisor.ImageTool;

public static class ImageCommand
{
    public const string Help = """
        barevisor-image: boot media for BareVisor from a guest configuration (docs/boot-media.md)

        usage:
          barevisor-image iso   --config vms.conf [--kernel barevisor.elf] --out barevisor.iso
          barevisor-image usb   --config vms.conf [--kernel barevisor.elf] --out barevisor.img [--size 1G]
          barevisor-image pxe   --config vms.conf [--kernel barevisor.elf] --out tftp-dir/
          barevisor-image check --config vms.conf
          barevisor-image --help | <command> --help

        commands:
          iso    hybrid ISO (GRUB; BIOS and UEFI; CD, or dd to a stick)
          usb    raw USB-stick image, MBR with one FAT32 partition; BIOS (GRUB in the MBR gap) and
                 UEFI (EFI/BOOT/BOOTX64.EFI) both boot it. Write it with: dd if=X of=/dev/sdX bs=4M
          pxe    directory for a TFTP/HTTP server: boot.ipxe for iPXE, grubx64.efi + grub.cfg for
                 UEFI clients, and the files
          check  parse the configuration and check the files it names; print what BareVisor would

        options:
          --config FILE   guest configuration; kernel/initrd paths in it are relative to its directory
          --kernel FILE   BareVisor's kernel (default: artifacts/barevisor.elf)
          --out PATH      the image file (iso, usb) or directory (pxe) to write
          --cmdline TEXT  BareVisor's own command line, e.g. "loglevel=debug"
          --size SIZE     usb only: make the image at least SIZE (K, M, G), e.g. to fill the stick's partition

        Each guest file becomes a boot module named by its path in the configuration; the
        configuration itself is the module named "config".
        exit status: 0 done, 1 an input is missing or wrong, 2 usage error, 3 a host program is missing or failed
        """;

    private static readonly string[] Commands = ["iso", "usb", "pxe", "check"];
    private static readonly string[] ValueOptions = ["--config", "--kernel", "--out", "--cmdline", "--size"];
    private const string DefaultKernel = "artifacts/barevisor.elf";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (args.Length == 0 || args.Contains("--help") || args.Contains("-h"))
            {
                stdout.Write(Help);
                return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Success;
            }
            return Execute(args[0], ParseOptions(args.Skip(1).ToArray()), stdout);
        }
        catch (ImageToolException e)
        {
            stderr.WriteLine("barevisor-image: " + e.Message);
            if (e.ExitCode == ExitCodes.Usage)
                stderr.WriteLine("run `barevisor-image --help` for the options");
            return e.ExitCode;
        }
        catch (IOException e)
        {
            stderr.WriteLine("barevisor-image: " + e.Message);
            return ExitCodes.BadInput;
        }
        catch (UnauthorizedAccessException e)
        {
            stderr.WriteLine("barevisor-image: " + e.Message);
            return ExitCodes.BadInput;
        }
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>();
        for (int i = 0; i < args.Length; i++)
        {
            string option = args[i];
            if (!ValueOptions.Contains(option))
                throw new ImageToolException($"unknown option '{option}'", ExitCodes.Usage);
            if (i + 1 >= args.Length)
                throw new ImageToolException($"{option} needs a value", ExitCodes.Usage);
            if (!options.TryAdd(option, args[++i]))
                throw new ImageToolException($"{option} given twice", ExitCodes.Usage);
        }
        return options;
    }

    private static int Execute(string command, Dictionary<string, string> options, TextWriter stdout)
    {
        if (!Commands.Contains(command))
            throw new ImageToolException($"unknown command '{command}'; the commands are {string.Join(", ", Commands)}", ExitCodes.Usage);
        if (command == "check")
            return Check(options, stdout);
        string output = Required(options, "--out");
        if (options.ContainsKey("--size") && command != "usb")
            throw new ImageToolException("--size applies to usb images only", ExitCodes.Usage);
        var inputs = MediaInputs.Load(Required(options, "--config"), options.GetValueOrDefault("--kernel", DefaultKernel),
                                      options.GetValueOrDefault("--cmdline", ""), needMultiboot1: command == "pxe");
        Describe(inputs, stdout);
        switch (command)
        {
            case "iso":
                IsoBuilder.Build(inputs, output);
                break;
            case "usb":
                UsbImageBuilder.Build(inputs, output, ParseSize(options.GetValueOrDefault("--size", "0M")));
                break;
            default:
                foreach (string file in PxeBuilder.Build(inputs, output))
                    stdout.WriteLine($"  {Path.Combine(output, file)}");
                stdout.WriteLine($"serve {output} over TFTP; BIOS clients boot {PxeLayout.IpxeScript} through iPXE, UEFI clients {PxeLayout.GrubEfiImage}");
                break;
        }
        if (command != "pxe")
            stdout.WriteLine($"wrote {output} ({new FileInfo(output).Length:N0} bytes)");
        return ExitCodes.Success;
    }

    /// <summary>Prints what BareVisor will print for this configuration at boot, minus the module checks.</summary>
    private static int Check(Dictionary<string, string> options, TextWriter stdout)
    {
        string config = Required(options, "--config");
        if (options.Keys.Any(k => k != "--config"))
            throw new ImageToolException("check takes only --config", ExitCodes.Usage);
        var inputs = MediaInputs.Load(config, options.GetValueOrDefault("--kernel", DefaultKernel), "", needMultiboot1: false, checkKernel: false);
        Describe(inputs, stdout);
        stdout.WriteLine($"{config}: no errors; every file it names is present");
        return ExitCodes.Success;
    }

    private static void Describe(MediaInputs inputs, TextWriter stdout)
    {
        stdout.WriteLine($"{inputs.ConfigPath}: {inputs.Config.Summary()}");
        foreach (VmConfig vm in inputs.Config.Vms)
            stdout.WriteLine($"  {vm.Describe()}");
        foreach (GuestFile file in inputs.GuestFiles)
            stdout.WriteLine($"  module {file.ModuleName}: {file.SourcePath} ({file.Size:N0} bytes)");
    }

    private static string Required(Dictionary<string, string> options, string option) =>
        options.TryGetValue(option, out string value) && value.Length != 0
            ? value
            : throw new ImageToolException($"{option} is required", ExitCodes.Usage);

    /// <summary>"256M", "2G": the image size for --size.</summary>
    public static long ParseSize(string text)
    {
        long unit = text.Length == 0 ? 0 : char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 0 };
        if (unit == 0 || !long.TryParse(text[..^1], out long number) || number < 0 || number > (1L << 41) / unit)
            throw new ImageToolException($"--size '{text}' is not a size like 256M or 2G", ExitCodes.Usage);
        return number * unit;
    }
}
