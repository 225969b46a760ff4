// Host side. Finds the repository (the directory holding BareVisor.sln) and the kernel the build made.
using System;
using System.IO;

namespace BareVisor.BootMediaTests.Infrastructure;

public static class Artifacts
{
    public static string Root { get; } = FindRoot();

    public static string Directory => Path.Combine(Root, "artifacts");

    /// <summary>Failed runs keep their serial and emulator logs here; passing runs delete theirs.</summary>
    public static string TestRuns => Path.Combine(Directory, "test-runs");

    /// <summary>The kernel every medium carries. Missing is a failure, never a skip: a green run must have booted it.</summary>
    public static string Kernel
    {
        get
        {
            string path = Path.Combine(Directory, "barevisor.elf");
            if (!File.Exists(path))
                throw new FileNotFoundException($"{path} is missing: run `dotnet pwsh build.ps1` first", path);
            return path;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BareVisor.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no BareVisor.sln above {AppContext.BaseDirectory}");
    }
}
