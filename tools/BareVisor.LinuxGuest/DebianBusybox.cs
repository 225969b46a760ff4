// Host side. The guest's user space: Debian's busybox-static, one statically linked binary with
// the shell, init, mount and the other applets. The .deb lands in artifacts/debian-busybox/ and is
// unpacked into root/ (bin/busybox; the documentation is dropped).
using System.IO;

namespace BareVisor.LinuxGuest;

public static class DebianBusybox
{
    public const string Package = "busybox-static";

    public static string CacheDirectory(string repositoryRoot) => Path.Combine(repositoryRoot, "artifacts", "debian-busybox");

    /// <summary>The path of bin/busybox, fetched and unpacked first if the cache has none.</summary>
    public static string Fetch(string cacheDirectory) =>
        new DebianPackageCache(cacheDirectory).FindOrDownload(Find, cache =>
        {
            string deb = cache.Download(Package);
            DebianPackageCache.Extract(deb, Path.Combine(cache.Directory, "root"), "bin");
            return deb;
        }, "bin/busybox");

    public static string Find(string cacheDirectory)
    {
        string path = Path.Combine(cacheDirectory, "root", "bin", "busybox");
        return File.Exists(path) ? path : null;
    }
}
