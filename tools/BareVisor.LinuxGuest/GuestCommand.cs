// Host side. barevisor-linux-guest's command line: builds the default Linux guest and prints the
// ISO's path as its last line. Exit status 0 done, 1 a package or an input could not be had,
// 2 usage error, 3 a host program is missing or failed (the image tool's statuses).
using System;
using System.Collections.Generic;
using System.IO;
using BareVisor.ImageTool;

namespace BareVisor.LinuxGuest;

public static class GuestCommand
{
    public const string Help = """
        barevisor-linux-guest: builds BareVisor's default Linux guest

        usage:
          barevisor-linux-guest [--kernel barevisor.elf] [--out DIR] [--cmdline TEXT] [--memory MiB] [--gzip]

        Fetches Debian's linux-image-cloud-amd64 and busybox-static with apt-get (once; cached in
        artifacts/debian-kernel and artifacts/debian-busybox), writes an initramfs with busybox and a
        shell on the serial console, a vms.conf with one VM "linux", and an ISO of BareVisor with the
        guest: DIR/barevisor-linux.iso. Boot it with
          dotnet run --project tools/BareVisor.Run -c Release -- --iso DIR/barevisor-linux.iso

        options:
          --kernel FILE   BareVisor's kernel (default: artifacts/barevisor.elf)
          --out DIR       output directory (default: artifacts/linux-guest)
          --cmdline TEXT  the guest kernel's command line (default: see DefaultGuest.CommandLine)
          --memory MiB    guest RAM in MiB (default: 256)
          --gzip          gzip the initramfs
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (Array.IndexOf(args, "--help") >= 0 || Array.IndexOf(args, "-h") >= 0)
            {
                stdout.Write(Help);
                return ExitCodes.Success;
            }
            string root = DefaultGuest.FindRepositoryRoot(Directory.GetCurrentDirectory())
                          ?? DefaultGuest.FindRepositoryRoot(AppContext.BaseDirectory)
                          ?? throw new ImageToolException("no BareVisor.sln above the current directory: run this in the repository", ExitCodes.Usage);
            GuestOptions options = Parse(args, root);
            GuestBuild build = DefaultGuest.Build(options, stdout);
            stdout.WriteLine(build.IsoPath);
            return ExitCodes.Success;
        }
        catch (ImageToolException e)
        {
            stderr.WriteLine("barevisor-linux-guest: " + e.Message);
            if (e.ExitCode == ExitCodes.Usage)
                stderr.WriteLine("run `barevisor-linux-guest --help` for the options");
            return e.ExitCode;
        }
        catch (DebianPackageException e)
        {
            stderr.WriteLine("barevisor-linux-guest: " + e.Message);
            return ExitCodes.BadInput;
        }
        catch (IOException e)
        {
            stderr.WriteLine("barevisor-linux-guest: " + e.Message);
            return ExitCodes.BadInput;
        }
    }

    private static GuestOptions Parse(string[] args, string root)
    {
        var options = new GuestOptions { RepositoryRoot = root };
        var seen = new HashSet<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string option = args[i];
            if (!seen.Add(option))
                throw new ImageToolException($"{option} given twice", ExitCodes.Usage);
            if (option == "--gzip")
            {
                options = options with { CompressInitramfs = true };
                continue;
            }
            if (option is not ("--kernel" or "--out" or "--cmdline" or "--memory"))
                throw new ImageToolException($"unknown option '{option}'", ExitCodes.Usage);
            if (i + 1 >= args.Length)
                throw new ImageToolException($"{option} needs a value", ExitCodes.Usage);
            string value = args[++i];
            options = option switch
            {
                "--kernel" => options with { BareVisorKernel = Path.GetFullPath(value) },
                "--out" => options with { OutputDirectory = Path.GetFullPath(value) },
                "--cmdline" => options with { GuestCommandLine = value },
                _ => options with
                {
                    MemoryMiB = int.TryParse(value, out int mib) && mib >= 16 && mib <= 1 << 20
                        ? mib
                        : throw new ImageToolException($"--memory '{value}' is not a number of MiB from 16 up", ExitCodes.Usage),
                },
            };
        }
        return options;
    }
}
