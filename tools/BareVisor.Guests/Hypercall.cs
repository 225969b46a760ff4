// Host side. BareVisor's hypercall ABI as the guests use it: VMCALL with the function in RAX,
// arguments in RBX and RCX, the result in RAX.
namespace BareVisor.Guests;

public static class Hypercall
{
    /// <summary>RAX = 0, RBX = <see cref="Version"/>, RCX = <see cref="Features"/> bits.</summary>
    public const uint GetVersion = 0;

    /// <summary>RBX = guest-physical address, RCX = length (at most <see cref="MaxConsoleWrite"/>).</summary>
    public const uint ConsoleWrite = 1;

    /// <summary>RBX = exit status; the guest ends.</summary>
    public const uint PowerOff = 2;

    /// <summary>The guest restarts from its initial state (at most <see cref="MaxReboots"/> times).</summary>
    public const uint Reboot = 3;

    /// <summary>RAX after an unknown function or a bad argument.</summary>
    public const ulong Error = ulong.MaxValue;

    /// <summary>ABI version 1.0 in RBX after <see cref="GetVersion"/>.</summary>
    public const uint Version = 0x00010000;

    public const uint FeatureConsoleWrite = 1 << 0;
    public const uint FeaturePowerOff = 1 << 1;
    public const uint FeatureReboot = 1 << 2;
    public const uint Features = FeatureConsoleWrite | FeaturePowerOff | FeatureReboot;

    public const int MaxConsoleWrite = 4096;

    public const int MaxReboots = 3;
}
