// Host side. Everything one boot medium is made from, checked before anything is written: the
// configuration (parsed by the same Core parser the kernel runs), the kernel, and every guest file
// the configuration names. All problems are reported together, each naming what is missing.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using BareVisor.Core.Config;

namespace BareVisor.ImageTool;

/// <summary>A guest file: the module name the configuration uses for it, where it is on this machine
/// and where it goes on the medium (relative to the medium's BareVisor directory).</summary>
public sealed record GuestFile(string ModuleName, string SourcePath, string MediumPath, long Size);

public sealed class MediaInputs
{
    /// <summary>BareVisor's own command line: one line of plain words (GRUB and iPXE would expand $ and quotes).</summary>
    private const string CommandLineCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._+/=,:-";

    private MediaInputs() { }

    public string ConfigPath { get; private init; }

    /// <summary>The file's bytes, copied to the medium unchanged.</summary>
    public byte[] ConfigBytes { get; private init; }

    public GuestConfigResult Config { get; private init; }

    public string KernelPath { get; private init; }

    public string KernelCommandLine { get; private init; }

    public IReadOnlyList<GuestFile> GuestFiles { get; private init; }

    /// <summary>Loads and checks everything; throws one ImageToolException listing every problem.</summary>
    public static MediaInputs Load(string configPath, string kernelPath, string kernelCommandLine, bool needMultiboot1,
                                   bool checkKernel = true)
    {
        CheckCommandLine(kernelCommandLine ?? "");
        (byte[] bytes, GuestConfigResult config) = ReadConfig(configPath);
        var problems = new List<string>();
        if (config.HasErrors)
            problems.Add(DescribeErrors(configPath, config));
        if (checkKernel)
        {
            try
            {
                KernelImage.Check(kernelPath, needMultiboot1);
            }
            catch (ImageToolException e)
            {
                problems.Add(e.Message);
            }
        }
        IReadOnlyList<GuestFile> files = FindGuestFiles(configPath, config, problems);
        if (problems.Count != 0)
            throw new ImageToolException(string.Join('\n', problems) + "\nnothing was written");
        return new MediaInputs
        {
            ConfigPath = configPath,
            ConfigBytes = bytes,
            Config = config,
            KernelPath = kernelPath,
            KernelCommandLine = kernelCommandLine ?? "",
            GuestFiles = files,
        };
    }

    /// <summary>Reads and parses the configuration exactly as the kernel will: its bytes as Latin-1 characters.</summary>
    public static (byte[] Bytes, GuestConfigResult Config) ReadConfig(string configPath)
    {
        if (string.IsNullOrEmpty(configPath))
            throw new ImageToolException("no configuration given; pass --config FILE (format: docs/boot-media.md)", ExitCodes.Usage);
        if (Directory.Exists(configPath))
            throw new ImageToolException($"configuration '{configPath}' is a directory; pass the file");
        if (!File.Exists(configPath))
            throw new ImageToolException($"configuration '{configPath}' not found");
        byte[] bytes = File.ReadAllBytes(configPath);
        return (bytes, GuestConfigParser.Parse(Encoding.Latin1.GetString(bytes)));
    }

    private static string DescribeErrors(string configPath, GuestConfigResult config)
    {
        var message = new StringBuilder();
        message.Append($"configuration '{configPath}' has {config.Errors.Length} error(s):");
        foreach (ConfigError error in config.Errors)
            message.Append('\n').Append(configPath).Append(": ").Append(error.Describe());
        return message.ToString();
    }

    private static void CheckCommandLine(string commandLine)
    {
        foreach (char c in commandLine)
        {
            if (!CommandLineCharacters.Contains(c))
                throw new ImageToolException($"--cmdline contains '{c}'; use letters, digits, spaces and . _ + / = , : -", ExitCodes.Usage);
        }
    }

    // Only the valid VMs' files: a rejected VM's paths may be what is wrong with it.
    private static IReadOnlyList<GuestFile> FindGuestFiles(string configPath, GuestConfigResult config, List<string> allProblems)
    {
        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(configPath));
        var files = new List<GuestFile>();
        var problems = new List<string>();
        var usedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (VmConfig vm in config.Vms)
        {
            foreach ((string role, string path) in new[] { ("kernel", vm.Kernel), ("initrd", vm.Initrd) })
            {
                if (path == null || files.Any(f => f.ModuleName == path))
                    continue;
                string source = Path.GetFullPath(Path.Combine(baseDirectory, path));
                string problem = CheckFile(source);
                if (problem != null)
                    problems.Add($"vm {vm.Name}: {role} '{path}' {problem} (looked for {source})");
                else
                    files.Add(new GuestFile(path, source, MediumName(path, usedNames), new FileInfo(source).Length));
            }
        }
        if (problems.Count != 0)
            allProblems.Add($"{problems.Count} file(s) named by '{configPath}' cannot be used (paths are relative to the configuration's directory):\n"
                            + string.Join('\n', problems));
        return files;
    }

    private static string CheckFile(string source)
    {
        if (Directory.Exists(source))
            return "is a directory";
        if (!File.Exists(source))
            return "not found";
        if (new FileInfo(source).Length == 0)
            return "is empty";
        return null;
    }

    // guests/<file name>; a second file with the same name (in another directory) gets a number.
    // FAT compares names without case, so the check does too.
    private static string MediumName(string path, HashSet<string> usedNames)
    {
        string name = Path.GetFileName(path);
        string candidate = name;
        for (int n = 2; !usedNames.Add(candidate); n++)
            candidate = $"{n}-{name}";
        return "guests/" + candidate;
    }
}
