// Host side. The guest kernel: Debian's linux-image-cloud-amd64, a metapackage whose first
// dependency is the versioned image package (linux-image-6.1.0-NN-cloud-amd64). Both .debs land in
// artifacts/debian-kernel/ and the image package's boot/ directory is unpacked into root/ (the
// modules under lib/, ~90 MB, are not needed: the cloud kernel has the serial console, the
// initramfs and devtmpfs built in). Used by the guest build and by the loader unit tests.
using System;
using System.IO;

namespace BareVisor.LinuxGuest;

public static class DebianKernel
{
    public const string MetaPackage = "linux-image-cloud-amd64";

    /// <summary>The cache directory under the repository's artifacts directory.</summary>
    public static string CacheDirectory(string repositoryRoot) => Path.Combine(repositoryRoot, "artifacts", "debian-kernel");

    /// <summary>
    /// The path of the vmlinuz, fetched and unpacked first if the cache has none. Throws a
    /// DebianPackageException that names the cause when it cannot be had.
    /// </summary>
    public static string Fetch(string cacheDirectory) =>
        new DebianPackageCache(cacheDirectory).FindOrDownload(Find, DownloadImage, "boot/vmlinuz-*");

    // The metapackage names the versioned image package as its first dependency.
    private static string DownloadImage(DebianPackageCache cache)
    {
        string meta = cache.Download(MetaPackage);
        string imagePackage = DebianPackageCache.FirstDependency(meta);
        if (!imagePackage.StartsWith("linux-image-", StringComparison.Ordinal))
            throw new DebianPackageException($"{MetaPackage} depends first on '{imagePackage}', not on a linux-image package");
        string deb = cache.Download(imagePackage);
        DebianPackageCache.Extract(deb, Path.Combine(cache.Directory, "root"), "boot");
        return deb;
    }

    /// <summary>The newest root/boot/vmlinuz-* in the cache, or null.</summary>
    public static string Find(string cacheDirectory)
    {
        string boot = Path.Combine(cacheDirectory, "root", "boot");
        if (!Directory.Exists(boot))
            return null;
        string[] files = Directory.GetFiles(boot, "vmlinuz-*");
        Array.Sort(files, StringComparer.Ordinal);
        return files.Length == 0 ? null : files[^1];
    }
}
