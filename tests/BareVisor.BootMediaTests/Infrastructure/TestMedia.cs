// Host side. The media under test, built once per test run with the image tool (its command line,
// in-process) from a one-VM configuration whose guest is a minimal Multiboot1 kernel: the kernel
// must find, parse and report the configuration, find the guest's module and load it (and, where
// VT-x exists, run it: it powers off through the hypercall at once).
using System;
using System.IO;
using System.Threading;
using BareVisor.ImageTool;
using Xunit.Sdk;

namespace BareVisor.BootMediaTests.Infrastructure;

public sealed class TestMedia
{
    public const string VmName = "test";
    public const string GuestPath = "guests/stand-in.bin";

    public const string Config = """
        # BootMediaTests: one VM, a minimal Multiboot1 kernel that powers itself off.
        [vm test]
        kernel  = guests/stand-in.bin
        memory  = 64M
        vcpus   = 1
        cmdline = console=ttyS0
        """;

    private static readonly Lazy<TestMedia> Shared = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    private TestMedia(string directory) => Directory = directory;

    /// <summary>Built on first use; a failed build fails every test that needs the media.</summary>
    public static TestMedia Get() => Shared.Value;

    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "input", "vms.conf");

    public string Iso => Path.Combine(Directory, "barevisor.iso");

    public string UsbImage => Path.Combine(Directory, "barevisor.img");

    public string PxeDirectory => Path.Combine(Directory, "pxe");

    /// <summary>Writes the configuration and its guest file into directory/input.</summary>
    public static string WriteInputs(string directory, string config = Config)
    {
        string input = Path.Combine(directory, "input");
        System.IO.Directory.CreateDirectory(Path.Combine(input, "guests"));
        File.WriteAllText(Path.Combine(input, "vms.conf"), config);
        File.WriteAllBytes(Path.Combine(input, GuestPath), MultibootStandIn());
        return Path.Combine(input, "vms.conf");
    }

    /// <summary>
    /// An 8 KiB Multiboot1 kernel with a.out-kludge addresses (loaded at 1 MiB, entry at 1 MiB + 32)
    /// whose code is: mov eax, 2 (power off); xor ebx, ebx (status 0); vmcall; hlt.
    /// </summary>
    public static byte[] MultibootStandIn()
    {
        const uint Magic = 0x1BADB002, Flags = 1u << 16, Load = 0x100000, Size = 8192;
        var image = new byte[Size];
        uint[] header = [Magic, Flags, unchecked(0u - Magic - Flags), Load, Load, Load + Size, 0, Load + 32];
        for (int i = 0; i < header.Length; i++)
            BitConverter.GetBytes(header[i]).CopyTo(image, i * 4);
        byte[] code = [0xB8, 0x02, 0x00, 0x00, 0x00, 0x31, 0xDB, 0x0F, 0x01, 0xC1, 0xF4];
        code.CopyTo(image, 32);
        return image;
    }

    /// <summary>Runs barevisor-image in-process; returns its exit status, stdout and stderr.</summary>
    public static (int Exit, string Out, string Err) RunTool(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = ImageCommand.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static TestMedia Build()
    {
        string kernel = Artifacts.Kernel;
        string directory = System.IO.Directory.CreateTempSubdirectory("barevisor-media-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(directory);
        var media = new TestMedia(directory);
        string config = WriteInputs(directory);
        MakeOrFail("iso", config, kernel, media.Iso);
        MakeOrFail("usb", config, kernel, media.UsbImage);
        MakeOrFail("pxe", config, kernel, media.PxeDirectory);
        return media;
    }

    private static void MakeOrFail(string command, string config, string kernel, string output)
    {
        var (exit, stdout, stderr) = RunTool(command, "--config", config, "--kernel", kernel, "--out", output);
        if (exit != 0)
            throw new XunitException($"barevisor-image {command} failed with exit status {exit}:\n{stdout}\n{stderr}");
    }

    private static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open at exit: the temporary directory is left for the system to clean.
        }
    }
}
