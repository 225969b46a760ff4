// Host side. One directory per run, so parallel runs never share a serial log, an OVMF
// variable store or a bochsrc, and a failed run's files stay together for the report.
using System;
using System.IO;

namespace BareVisor.Emulators;

internal static class RunDirectory
{
    public static string Create(EmulatorRun run)
    {
        Directory.CreateDirectory(run.RunsDirectory);
        string name = $"{DateTime.Now:yyyyMMdd-HHmmss}-{run.Emulator}-{run.Firmware}-{Guid.NewGuid().ToString("N")[..6]}".ToLowerInvariant();
        return Directory.CreateDirectory(Path.Combine(run.RunsDirectory, name)).FullName;
    }

    /// <summary>Deletes the copies and links that only mattered while the emulator ran.</summary>
    public static void RemoveTemporaryFiles(string directory, LaunchPlan plan)
    {
        foreach (string file in plan.TemporaryFiles)
            File.Delete(Path.Combine(directory, file));
    }

    public static string ReadIfPresent(string directory, string file)
    {
        string path = Path.Combine(directory, file);
        if (!File.Exists(path))
            return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
