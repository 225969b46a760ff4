// Host test code. A real Linux kernel for the loader tests: Debian's linux-image-cloud-amd64,
// fetched with apt-get from Debian's archive (the only network the tests use) into
// artifacts/debian-kernel/ once, then reused. When apt-get cannot get it the tests that need it
// fail with the reason; they are never skipped.
using System;
using System.Diagnostics;
using System.IO;
using BareVisor.TableGen;

namespace BareVisor.Core.Tests.Loaders
{
    public static class DebianKernel
    {
        public const string MetaPackage = "linux-image-cloud-amd64";

        private static readonly Lazy<(byte[] Image, string Name, string Error)> s_kernel = new Lazy<(byte[], string, string)>(Fetch);

        /// <summary>The vmlinuz bytes and file name; fails the calling test when they cannot be had.</summary>
        public static (byte[] Image, string Name) Get()
        {
            (byte[] image, string name, string error) = s_kernel.Value;
            Assert.True(error == null, error);
            return (image, name);
        }

        private static (byte[], string, string) Fetch()
        {
            try
            {
                string root = TableGenerator.FindRepositoryRoot(AppContext.BaseDirectory);
                string cache = Path.Combine(root, "artifacts", "debian-kernel");
                Directory.CreateDirectory(cache);
                string found = FindVmlinuz(cache);
                if (found == null)
                {
                    Download(cache);
                    found = FindVmlinuz(cache);
                }
                if (found == null)
                    return (null, null, "the Debian kernel packages in " + cache + " hold no boot/vmlinuz-*");
                return (File.ReadAllBytes(found), Path.GetFileName(found), null);
            }
            catch (Exception e)
            {
                return (null, null, "could not get Debian's " + MetaPackage + " with apt-get: " + e.Message);
            }
        }

        private static string FindVmlinuz(string cache)
        {
            string boot = Path.Combine(cache, "root", "boot");
            if (!Directory.Exists(boot))
                return null;
            string[] files = Directory.GetFiles(boot, "vmlinuz-*");
            Array.Sort(files, StringComparer.Ordinal);
            return files.Length == 0 ? null : files[files.Length - 1];
        }

        // The metapackage only depends on the versioned image package; download both, unpack the latter.
        private static void Download(string cache)
        {
            string meta = AptDownload(cache, MetaPackage);
            string depends = Run(cache, "dpkg-deb", "-f", meta, "Depends");
            string imagePackage = FirstPackageName(depends);
            string deb = AptDownload(cache, imagePackage);
            string root = Path.Combine(cache, "root");
            Run(cache, "dpkg-deb", "-x", deb, root);
            // Only boot/ is needed; the modules under lib/ are ~90 MB.
            foreach (string directory in Directory.GetDirectories(root))
            {
                if (Path.GetFileName(directory) != "boot")
                    Directory.Delete(directory, true);
            }
        }

        private static string AptDownload(string cache, string package)
        {
            string existing = FindDeb(cache, package);
            if (existing != null)
                return existing;
            try
            {
                Run(cache, "apt-get", "download", package);
            }
            catch (InvalidOperationException first) when (IsRoot())
            {
                // A fresh machine may have no package lists yet: fetch them once and retry.
                Run(cache, "apt-get", "update", "-qq");
                try
                {
                    Run(cache, "apt-get", "download", package);
                }
                catch (InvalidOperationException second)
                {
                    throw new InvalidOperationException(first.Message + "; after apt-get update: " + second.Message);
                }
            }
            return FindDeb(cache, package) ?? throw new InvalidOperationException("apt-get download " + package + " left no .deb in " + cache);
        }

        private static string FindDeb(string cache, string package)
        {
            string[] debs = Directory.GetFiles(cache, package + "_*.deb");
            Array.Sort(debs, StringComparer.Ordinal);
            return debs.Length == 0 ? null : debs[debs.Length - 1];
        }

        private static string FirstPackageName(string depends)
        {
            string first = depends.Split(',')[0].Trim();
            int space = first.IndexOfAny(new[] { ' ', '(' });
            string name = space < 0 ? first : first.Substring(0, space);
            if (!name.StartsWith("linux-image-", StringComparison.Ordinal))
                throw new InvalidOperationException(MetaPackage + " depends on '" + depends + "', not on a linux-image package first");
            return name;
        }

        private static bool IsRoot() => Environment.UserName == "root";

        private static string Run(string directory, string program, params string[] arguments)
        {
            ProcessStartInfo start = new ProcessStartInfo(program)
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in arguments)
                start.ArgumentList.Add(argument);
            start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            using Process process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + program);
            string output = process.StandardOutput.ReadToEnd();
            string errors = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(600_000))
            {
                process.Kill(true);
                throw new InvalidOperationException(program + " " + string.Join(" ", arguments) + " did not finish within 10 minutes");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException(program + " " + string.Join(" ", arguments) + " exited with " + process.ExitCode + ": " + errors.Trim());
            return output;
        }
    }
}
