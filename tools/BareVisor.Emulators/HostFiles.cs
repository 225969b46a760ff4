// Host side. Where Debian keeps the emulators and firmware images, and the error that names the
// package to install when one is missing.
using System;
using System.IO;

namespace BareVisor.Emulators;

public static class HostFiles
{
    public const string Qemu = "qemu-system-x86_64";

    /// <summary>QEMU's UEFI firmware: code (read-only) and the template of its variable store.</summary>
    public const string OvmfCode = "/usr/share/OVMF/OVMF_CODE_4M.fd";
    public const string OvmfVarsTemplate = "/usr/share/OVMF/OVMF_VARS_4M.fd";

    /// <summary>The single-file OVMF image Bochs loads as its ROM.</summary>
    public const string BochsOvmf = "/usr/share/ovmf/OVMF.fd";
    public const string BochsBios = "/usr/share/bochs/BIOS-bochs-latest";
    public const string VgaBios = "/usr/share/vgabios/vgabios.bin";

    /// <summary>
    /// Debian's <c>bochs</c> is a shell wrapper around <c>bochs-bin</c>; calling the binary keeps
    /// the process tree one level shallower. Other distributions ship only <c>bochs</c>.
    /// </summary>
    public static string Bochs => FindOnPath("bochs-bin") ?? "bochs";

    /// <summary>Throws a message naming the Debian package when <paramref name="file"/> is absent.</summary>
    public static string Require(string file, string debianPackage)
    {
        bool present = Path.IsPathRooted(file) ? File.Exists(file) : FindOnPath(file) != null;
        if (!present)
            throw new FileNotFoundException($"{file} is missing: install the Debian package '{debianPackage}' (.ci/run does)", file);
        return file;
    }

    public static string FindOnPath(string program)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
