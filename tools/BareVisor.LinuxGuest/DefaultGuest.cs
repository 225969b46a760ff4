// Host side. Builds BareVisor's default Linux guest into one directory (artifacts/linux-guest):
//
//   guests/vmlinuz      Debian's cloud kernel (linux-image-cloud-amd64), unchanged
//   guests/initrd.img   the initramfs (Initramfs.cs): busybox-static, init scripts, a shell on ttyS0
//   vms.conf            one VM, "linux", with those two files
//   barevisor-linux.iso BareVisor with vms.conf and the guest files as boot modules (the image tool)
//   linux-native.iso    the same kernel and initramfs booted by GRUB alone (NativeGuest.cs; the benchmark's)
//
// The Debian packages come from artifacts/debian-kernel and artifacts/debian-busybox, fetched with
// apt-get the first time (DebianPackages.cs).
using System;
using System.IO;
using BareVisor.ImageTool;

namespace BareVisor.LinuxGuest;

/// <summary>What the default guest is made of; the defaults are the default guest.</summary>
public sealed record GuestOptions
{
    /// <summary>The repository (the directory with BareVisor.sln): the caches and the default paths are under its artifacts/.</summary>
    public string RepositoryRoot { get; init; }

    /// <summary>BareVisor's kernel ELF; default artifacts/barevisor.elf.</summary>
    public string BareVisorKernel { get; init; }

    /// <summary>Where the guest's files and the ISO go; default artifacts/linux-guest.</summary>
    public string OutputDirectory { get; init; }

    public string GuestCommandLine { get; init; } = DefaultGuest.CommandLine;

    public int MemoryMiB { get; init; } = DefaultGuest.MemoryMiB;

    /// <summary>gzip the initramfs (smaller ISO; the guest spends time inflating it).</summary>
    public bool CompressInitramfs { get; init; }

    /// <summary>BareVisor's own command line (e.g. "loglevel=debug").</summary>
    public string BareVisorCommandLine { get; init; } = "";
}

/// <summary>The files of a built guest.</summary>
public sealed record GuestBuild(
    string Directory,
    string ConfigPath,
    string KernelPath,
    string InitrdPath,
    string IsoPath,
    string DebianKernelFile,
    long InitrdBytes,
    TimeSpan PackagesTime,
    TimeSpan IsoTime);

public static class DefaultGuest
{
    public const string VmName = "linux";

    public const int MemoryMiB = 256;

    /// <summary>
    /// The console on the virtual COM1 from the first message on; no KASLR (stable addresses in
    /// reports); a panic ends the guest at once instead of waiting. ACPI, the APICs and the TSC
    /// frequency come from BareVisor's platform, so nothing else is needed.
    /// </summary>
    public const string CommandLine = "console=ttyS0 earlyprintk=serial,ttyS0,115200 nokaslr panic=-1";

    public const string KernelModule = "guests/vmlinuz";
    public const string InitrdModule = "guests/initrd.img";
    public const string ConfigName = "vms.conf";
    public const string IsoName = "barevisor-linux.iso";

    /// <summary>The configuration for the guest: one VM with the kernel, the initramfs and the serial port.</summary>
    public static string Config(string commandLine, int memoryMiB) => $"""
        # BareVisor's default Linux guest, written by tools/BareVisor.LinuxGuest (format: docs/boot-media.md).
        # Debian's cloud kernel with a busybox initramfs; its console is BareVisor's serial line.
        [vm {VmName}]
        kernel  = {KernelModule}
        initrd  = {InitrdModule}
        cmdline = {commandLine}
        memory  = {memoryMiB}M

        """.Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>
    /// Fetches the packages (if not cached), writes the guest's files and the ISO. Throws
    /// DebianPackageException when a package cannot be had and ImageToolException when the ISO
    /// cannot be made (kernel missing, GRUB tools missing ...).
    /// </summary>
    public static GuestBuild Build(GuestOptions options, TextWriter log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        log ??= TextWriter.Null;
        string root = options.RepositoryRoot ?? throw new ArgumentException("GuestOptions.RepositoryRoot is required");
        string directory = Path.GetFullPath(options.OutputDirectory ?? Path.Combine(root, "artifacts", "linux-guest"));
        string bareVisor = Path.GetFullPath(options.BareVisorKernel ?? Path.Combine(root, "artifacts", "barevisor.elf"));
        if (!File.Exists(bareVisor))
            throw new ImageToolException($"BareVisor's kernel {bareVisor} is missing: run `dotnet pwsh build.ps1` first");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        string vmlinuz = DebianKernel.Fetch(DebianKernel.CacheDirectory(root));
        log.WriteLine($"kernel:    {vmlinuz} ({new FileInfo(vmlinuz).Length:N0} bytes)");
        string busybox = DebianBusybox.Fetch(DebianBusybox.CacheDirectory(root));
        log.WriteLine($"busybox:   {busybox} ({new FileInfo(busybox).Length:N0} bytes)");
        TimeSpan packagesTime = clock.Elapsed;

        Directory.CreateDirectory(Path.Combine(directory, "guests"));
        string kernelPath = Path.Combine(directory, KernelModule);
        string initrdPath = Path.Combine(directory, InitrdModule);
        string configPath = Path.Combine(directory, ConfigName);
        string isoPath = Path.Combine(directory, IsoName);
        CopyIfChanged(vmlinuz, kernelPath);
        uint time = (uint)Math.Clamp(new DateTimeOffset(File.GetLastWriteTimeUtc(busybox)).ToUnixTimeSeconds(), 0, uint.MaxValue);
        byte[] initrd = Initramfs.Build(File.ReadAllBytes(busybox), options.CompressInitramfs, time);
        WriteIfChanged(initrdPath, initrd);
        log.WriteLine($"initrd:    {initrdPath} ({initrd.Length:N0} bytes, {(options.CompressInitramfs ? "gzip" : "uncompressed")} cpio)");
        WriteIfChanged(configPath, System.Text.Encoding.ASCII.GetBytes(Config(options.GuestCommandLine, options.MemoryMiB)));
        log.WriteLine($"config:    {configPath}");

        clock.Restart();
        MediaInputs inputs = MediaInputs.Load(configPath, bareVisor, options.BareVisorCommandLine ?? "", needMultiboot1: false);
        WriteWhole(isoPath, partial => IsoBuilder.Build(inputs, partial));
        log.WriteLine($"iso:       {isoPath} ({new FileInfo(isoPath).Length:N0} bytes)");
        return new GuestBuild(directory, configPath, kernelPath, initrdPath, isoPath, Path.GetFileName(vmlinuz),
                              initrd.Length, packagesTime, clock.Elapsed);
    }

    /// <summary>
    /// Runs <paramref name="write"/> on a name next to <paramref name="path"/>, then renames the
    /// file to it: a reader (a test run, the benchmark) never sees half of it.
    /// </summary>
    public static void WriteWhole(string path, Action<string> write)
    {
        string partial = $"{path}.{Environment.ProcessId}.partial";
        try
        {
            write(partial);
            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>The directory above <paramref name="start"/> that holds BareVisor.sln, or null.</summary>
    public static string FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BareVisor.sln")))
                return dir.FullName;
        return null;
    }

    // Unchanged files keep their dates, so that tools that compare dates see nothing new.
    private static void CopyIfChanged(string source, string target)
    {
        if (File.Exists(target) && new FileInfo(target).Length == new FileInfo(source).Length
            && File.ReadAllBytes(target).AsSpan().SequenceEqual(File.ReadAllBytes(source)))
            return;
        File.Copy(source, target, overwrite: true);
    }

    private static void WriteIfChanged(string path, byte[] contents)
    {
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(contents))
            return;
        File.WriteAllBytes(path, contents);
    }
}
