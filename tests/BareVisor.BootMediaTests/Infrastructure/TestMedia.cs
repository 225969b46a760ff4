// Host side. The media under test, built once per test run with the image tool (its command line,
// in-process) from a one-VM configuration whose guest kernel is a stand-in file: guests cannot run
// yet, but the kernel must find, parse and report the configuration and find the guest's module.
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
        # BootMediaTests: one VM. Its kernel is a stand-in file; configured VMs do not start yet.
        [vm test]
        kernel  = guests/stand-in.bin
        memory  = 64M
        vcpus   = 1
        cmdline = console=ttyS0
        devices = serial, pit, rtc
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
        var guest = new byte[8192];
        for (int i = 0; i < guest.Length; i++)
            guest[i] = (byte)(i * 7);
        File.WriteAllBytes(Path.Combine(input, GuestPath), guest);
        return Path.Combine(input, "vms.conf");
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
