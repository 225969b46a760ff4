// Host side. Finds the repository (the directory holding BareVisor.sln) and the build's
// artifacts the integration tests boot.
using System;
using System.IO;

namespace BareVisor.IntegrationTests.Infrastructure;

public sealed class Repository
{
    private Repository(string root) => Root = root;

    public string Root { get; }

    public string Artifacts => Path.Combine(Root, "artifacts");

    /// <summary>Failed runs keep their logs here (passing runs delete theirs).</summary>
    public string TestRuns => Path.Combine(Artifacts, "test-runs");

    public static Repository Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BareVisor.sln")))
                return new Repository(dir.FullName);
        throw new InvalidOperationException($"no BareVisor.sln above {AppContext.BaseDirectory}");
    }

    public string KernelElf => Require("barevisor.elf");

    public string Iso => Require("barevisor.iso");

    // A missing kernel is a failure, never a skip: a green run must mean the kernel was booted.
    private string Require(string artifact)
    {
        string path = Path.Combine(Artifacts, artifact);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} is missing: run `dotnet pwsh build.ps1` first", path);
        return path;
    }
}
