// Host side. The decisions BareVisor.Run makes about this machine: which emulator "auto" means,
// and where the repository is.
using System;
using System.IO;
using BareVisor.Emulators;

namespace BareVisor.Run;

internal static class Choice
{
    /// <summary>The emulator for <paramref name="name"/>, or null (after saying why) when it cannot run here.</summary>
    public static EmulatorKind? Emulator(string name)
    {
        switch (name)
        {
            case "qemu":
                return EmulatorKind.Qemu;
            case "bochs":
                return EmulatorKind.Bochs;
            case "kvm" when !KvmSupport.Host.Usable:
                Console.Error.WriteLine($"BareVisor.Run: KVM is not usable here: {KvmSupport.Host.Reason}");
                return null;
            case "kvm":
                return EmulatorKind.Kvm;
            default:
                if (KvmSupport.Host.Usable)
                    return EmulatorKind.Kvm;
                Console.Error.WriteLine($"BareVisor.Run: using Bochs for VT-x, since KVM is not usable: {KvmSupport.Host.Reason}");
                return EmulatorKind.Bochs;
        }
    }

    /// <summary>The directory holding BareVisor.sln above the current directory, or null.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BareVisor.sln")))
                return dir.FullName;
        return null;
    }
}
