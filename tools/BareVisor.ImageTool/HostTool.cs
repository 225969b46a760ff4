// Host side. Runs the Debian programs the image tool builds media with (grub-mkrescue, grub-mkimage,
// mformat, mcopy ...), naming the package to install when one is missing and showing the
// program's output when it fails.
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace BareVisor.ImageTool;

public static class HostTool
{
    /// <summary>Program or file -> the Debian package that provides it.</summary>
    public static readonly IReadOnlyDictionary<string, string> Packages = new Dictionary<string, string>
    {
        ["grub-mkrescue"] = "grub-common",
        ["grub-mkimage"] = "grub-common",
        ["xorriso"] = "xorriso",
        ["mformat"] = "mtools",
        ["mcopy"] = "mtools",
        ["mmd"] = "mtools",
        [GrubDirectories.BiosModules] = "grub-pc-bin",
        [GrubDirectories.EfiModules] = "grub-efi-amd64-bin",
    };

    /// <summary>Throws, naming the Debian package, when a program or directory is not on this machine.</summary>
    public static void Require(params string[] programsOrPaths)
    {
        foreach (string item in programsOrPaths)
        {
            bool present = Path.IsPathRooted(item) ? Directory.Exists(item) || File.Exists(item) : FindOnPath(item) != null;
            if (!present)
                throw new ImageToolException($"'{item}' is missing; install the Debian package '{Packages[item]}' (.ci/run does)", ExitCodes.HostTool);
        }
    }

    /// <summary>Runs program to completion; throws with its output when it exits non-zero.</summary>
    public static string Run(string program, IEnumerable<string> arguments, IDictionary<string, string> environment = null)
    {
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        foreach (var pair in environment ?? new Dictionary<string, string>())
            info.Environment[pair.Key] = pair.Value;
        using Process process = Process.Start(info);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string output = (stdout + stderr.Result).Trim();
        if (process.ExitCode != 0)
        {
            string command = string.Join(' ', info.ArgumentList.Prepend(program));
            throw new ImageToolException($"{program} failed (exit code {process.ExitCode}): {command}\n{output}", ExitCodes.HostTool);
        }
        return output;
    }

    public static string FindOnPath(string program) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', System.StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}

public static class GrubDirectories
{
    public const string BiosModules = "/usr/lib/grub/i386-pc";
    public const string EfiModules = "/usr/lib/grub/x86_64-efi";
}
