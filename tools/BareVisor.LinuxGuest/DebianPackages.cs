// Host side. Debian packages fetched with apt-get from Debian's archive (the only network the
// build and the tests use) into a cache directory under artifacts/, once, then reused:
// `apt-get download` (no root needed, nothing installed), then `dpkg-deb -x` into the cache. When
// the download fails and we are root, the package lists may just be missing (a fresh machine):
// `apt-get update` runs once per process and the download is retried. Every failure is a
// DebianPackageException that says what to do.
using System;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace BareVisor.LinuxGuest;

public sealed class DebianPackageException : Exception
{
    public DebianPackageException(string message) : base(message) { }
}

public sealed class DebianPackageCache
{
    private static readonly object s_updateLock = new();
    private static bool s_updated;

    public DebianPackageCache(string directory) =>
        Directory = Path.GetFullPath(directory ?? throw new ArgumentNullException(nameof(directory)));

    /// <summary>Holds the downloaded .deb files and the unpacked trees.</summary>
    public string Directory { get; }

    /// <summary>
    /// Takes the cache's lock file (other processes, e.g. two test projects on a fresh machine,
    /// wait for it), creating the directory first. Dispose to release.
    /// </summary>
    /// <summary>
    /// What find returns from the cache; when it has nothing, download runs under the cache's lock
    /// (another process may have filled the cache meanwhile) and find must then succeed, or the
    /// DebianPackageException says which package held no such file.
    /// </summary>
    public string FindOrDownload(Func<string, string> find, Func<DebianPackageCache, string> download, string wanted)
    {
        string found = find(Directory);
        if (found != null)
            return found;
        using (Lock())
        {
            found = find(Directory);
            if (found != null)
                return found;
            string deb = download(this);
            return find(Directory)
                ?? throw new DebianPackageException($"{Path.GetFileName(deb)} holds no {wanted} (unpacked into {Path.Combine(Directory, "root")})");
        }
    }

    public IDisposable Lock(TimeSpan? limit = null)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string path = Path.Combine(Directory, ".lock");
        var clock = Stopwatch.StartNew();
        TimeSpan wait = limit ?? TimeSpan.FromMinutes(15);
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive flock(2) on Linux: it excludes other processes too.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < wait)
            {
                Thread.Sleep(250);
            }
            catch (IOException e)
            {
                throw new DebianPackageException($"the package cache {Directory} stayed locked for {wait.TotalMinutes:F0} minutes ({e.Message})");
            }
        }
    }

    /// <summary>The newest cached .deb of <paramref name="package"/>, or null.</summary>
    public string FindDeb(string package)
    {
        if (!System.IO.Directory.Exists(Directory))
            return null;
        // apt-get names files package_version_arch.deb, the epoch's colon written as %3a.
        string[] debs = System.IO.Directory.GetFiles(Directory, package + "_*.deb");
        Array.Sort(debs, StringComparer.Ordinal);
        return debs.Length == 0 ? null : debs[^1];
    }

    /// <summary>The cached .deb of <paramref name="package"/>, downloaded first if there is none. Call under <see cref="Lock"/>.</summary>
    public string Download(string package)
    {
        string existing = FindDeb(package);
        if (existing != null)
            return existing;
        System.IO.Directory.CreateDirectory(Directory);
        try
        {
            Run(Directory, "apt-get", "download", package);
        }
        catch (DebianPackageException first) when (IsRoot)
        {
            if (!UpdateOnce())
                throw;
            try
            {
                Run(Directory, "apt-get", "download", package);
            }
            catch (DebianPackageException second)
            {
                throw new DebianPackageException($"{first.Message}\nafter apt-get update: {second.Message}");
            }
        }
        catch (DebianPackageException first)
        {
            throw new DebianPackageException($"{first.Message}\nthe package lists may be missing or stale: run `sudo apt-get update` and try again");
        }
        return FindDeb(package) ?? throw new DebianPackageException($"apt-get download {package} left no {package}_*.deb in {Directory}");
    }

    /// <summary>The first package named in a .deb's Depends field (the versioned package behind a metapackage).</summary>
    public static string FirstDependency(string deb)
    {
        string depends = Run(Path.GetDirectoryName(deb), "dpkg-deb", "-f", deb, "Depends").Trim();
        if (depends.Length == 0)
            throw new DebianPackageException($"{Path.GetFileName(deb)} has no Depends field");
        string first = depends.Split(',')[0].Split('|')[0].Trim();
        int end = first.IndexOfAny([' ', '(', ':']);
        return end < 0 ? first : first[..end];
    }

    /// <summary>
    /// Unpacks <paramref name="deb"/> into <paramref name="target"/> (replacing it), keeping only the
    /// top-level directories in <paramref name="keep"/> (all when empty). The tree appears under its
    /// final name only when complete, so a reader never sees half of it. Call under <see cref="Lock"/>.
    /// </summary>
    public static void Extract(string deb, string target, params string[] keep)
    {
        string partial = target + ".partial";
        if (System.IO.Directory.Exists(partial))
            System.IO.Directory.Delete(partial, recursive: true);
        System.IO.Directory.CreateDirectory(partial);
        Run(Path.GetDirectoryName(deb), "dpkg-deb", "-x", deb, partial);
        if (keep.Length != 0)
        {
            foreach (string directory in System.IO.Directory.GetDirectories(partial))
                if (Array.IndexOf(keep, Path.GetFileName(directory)) < 0)
                    System.IO.Directory.Delete(directory, recursive: true);
        }
        if (System.IO.Directory.Exists(target))
            System.IO.Directory.Delete(target, recursive: true);
        System.IO.Directory.Move(partial, target);
    }

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Runs apt-get update unless this process already did; false when it had.</summary>
    private static bool UpdateOnce()
    {
        lock (s_updateLock)
        {
            if (s_updated)
                return false;
            s_updated = true;
            Run("/", "apt-get", "update", "-qq");
            return true;
        }
    }

    /// <summary>Runs a program to completion; its stdout, or a DebianPackageException with its stderr.</summary>
    public static string Run(string directory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        string command = program + " " + string.Join(" ", arguments);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new DebianPackageException($"cannot start {program}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DebianPackageException($"cannot start {program} ({e.Message}); BareVisor's Linux guest is built on Debian, with apt-get and dpkg-deb");
        }
        using (process)
        {
            process.StandardInput.Close();
            var errors = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(600_000))
            {
                process.Kill(entireProcessTree: true);
                throw new DebianPackageException($"{command} did not finish within 10 minutes");
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new DebianPackageException($"{command} exited with {process.ExitCode}: {errors.Result.Trim()}");
            return output.Result;
        }
    }
}
