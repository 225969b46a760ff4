// Host side. Names the firmware the emulated machine starts with.
namespace BareVisor.Emulators;

/// <summary>The firmware that loads GRUB (or QEMU's built-in Multiboot loader).</summary>
public enum Firmware
{
    /// <summary>SeaBIOS in QEMU, the Bochs BIOS in Bochs.</summary>
    Bios,

    /// <summary>OVMF: UEFI. GRUB then boots through its EFI image.</summary>
    Uefi,
}
