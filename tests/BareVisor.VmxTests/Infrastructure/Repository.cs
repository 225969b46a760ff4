// Host side. Finds the repository (the directory holding BareVisor.sln) and the kernel the VMX
// tests boot. A missing kernel fails the tests: a green run must mean guests really ran.
using System;
using System.IO;

namespace BareVisor.VmxTests.Infrastructure;

public sealed class Repository
{
    private Repository(string root) => Root = root;

    public string Root { get; }

    public string Artifacts => Path.Combine(Root, "artifacts");

    /// <summary>The ISO, guest binaries and listings of the VMX test run.</summary>
    public string VmxArtifacts => Path.Combine(Artifacts, "vmx-tests");

    /// <summary>Failed runs keep their logs here (passing runs delete theirs).</summary>
    public string TestRuns => Path.Combine(Artifacts, "test-runs");

    public string KernelElf
    {
        get
        {
            string path = Path.Combine(Artifacts, "barevisor.elf");
            if (!File.Exists(path))
                throw new FileNotFoundException($"{path} is missing: run `dotnet pwsh build.ps1` first", path);
            return path;
        }
    }

    public static Repository Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BareVisor.sln")))
                return new Repository(dir.FullName);
        throw new InvalidOperationException($"no BareVisor.sln above {AppContext.BaseDirectory}");
    }
}
