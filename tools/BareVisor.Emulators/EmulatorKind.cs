// Host side. Names the machine that runs BareVisor.
namespace BareVisor.Emulators;

/// <summary>Which emulator (or accelerator) runs the kernel.</summary>
public enum EmulatorKind
{
    /// <summary>QEMU with TCG: no VT-x; the boot paths and the no-VT-x path.</summary>
    Qemu,

    /// <summary>QEMU with KVM on a VT-x host with nested virtualisation: real VT-x.</summary>
    Kvm,

    /// <summary>Bochs: emulated VT-x with EPT; deterministic tick counts.</summary>
    Bochs,
}
