// Host side. The three CPU modes a test guest can start in, and what BareVisor's guest-module
// contract says about each: where the flat binary is loaded and where execution starts.
using System;

namespace BareVisor.Guests;

public enum GuestMode
{
    /// <summary>CS:IP = 0000:7C00, SS:SP = 0000:7C00, IF = 0, no IVT (RAM zeroed).</summary>
    Real,

    /// <summary>32-bit, paging off, flat code 0x08 and data 0x10; EIP = ESP = 0x100000.</summary>
    Protected,

    /// <summary>64-bit, first 1 GiB identity-mapped with 2 MiB pages; RIP = RSP = 0x100000.</summary>
    Long,
}

public static class GuestModes
{
    public const ulong RealModeLoadAddress = 0x7C00;
    public const ulong ProtectedModeLoadAddress = 0x100000;

    public static int Bitness(this GuestMode mode) => mode switch
    {
        GuestMode.Real => 16,
        GuestMode.Protected => 32,
        GuestMode.Long => 64,
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>Guest-physical address of the image's first byte, which is also the entry point.</summary>
    public static ulong LoadAddress(this GuestMode mode) =>
        mode == GuestMode.Real ? RealModeLoadAddress : ProtectedModeLoadAddress;

    /// <summary>The word on the module command line: <c>mode=real|protected|long</c>.</summary>
    public static string CommandLineName(this GuestMode mode) => mode switch
    {
        GuestMode.Real => "real",
        GuestMode.Protected => "protected",
        GuestMode.Long => "long",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>
    /// Largest image the mode can hold: a real-mode image must stay inside the 64 KiB segment
    /// that CS = 0 addresses; the others are only limited by the guest's memory.
    /// </summary>
    public static ulong MaxImageBytes(this GuestMode mode, ulong memoryBytes) =>
        mode == GuestMode.Real ? 0x10000 - RealModeLoadAddress : memoryBytes - ProtectedModeLoadAddress;
}
