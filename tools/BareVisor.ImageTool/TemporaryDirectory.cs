// Host side. A scratch directory that is removed when the build step ends, failed or not.
using System;
using System.IO;

namespace BareVisor.ImageTool;

public sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory(string prefix) => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }
}

public static class OutputFile
{
    /// <summary>Creates the directory an output file goes into.</summary>
    public static void PrepareDirectory(string outputPath)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        Directory.CreateDirectory(directory);
    }
}
