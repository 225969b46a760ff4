// What exit handlers need from the machine around a vCPU: real CPUID (filtered by policy), guest
// memory, the console, time and the guest's port and MMIO devices. The kernel implements it; tests fake
// it. Runs in VMX root with interrupts off; implementations must not block.
using System;
using BareVisor.Core.Cpu;
using BareVisor.Core.Devices;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Vmx.Exits
{
    public interface IGuestPlatform
    {
        CpuidResult HostCpuid(uint leaf, uint subleaf);

        ulong ReadTsc();

        // How fast the TSC the guest reads counts (the host's, measured at boot), in Hz.
        ulong TscHz { get; }

        // Copies guest-physical memory out; false when any part is not guest RAM.
        bool TryReadGuestMemory(GuestPhysical address, Span<byte> destination);

        // Copies into guest-physical memory; false when any part is not guest RAM.
        bool TryWriteGuestMemory(GuestPhysical address, ReadOnlySpan<byte> source);

        // Guest text (debug console, hypercall) for BareVisor's console, tagged with the guest.
        void GuestOutput(ReadOnlySpan<byte> text);

        // BareVisor's own diagnostics about this guest.
        void Log(string message);

        // An NMI reached this CPU while the guest ran (NMI exiting): the kernel's own business
        // first (a panic on another CPU stops this one here and never returns); when it returns,
        // the NMI is reflected into the guest as before.
        void HostNmi();

        uint PortRead(ushort port, int size);

        void PortWrite(ushort port, int size, uint value);

        // The guest's memory-mapped devices (EPT violations in their ranges are emulated); null
        // when the guest has none.
        MmioBus Mmio { get; }

        // The guest's interrupt controller and timers (PcPlatform), advanced to the current time.
        PcPlatform Devices { get; }

        // Nanoseconds since the guest was created, from the host's clock.
        ulong NowNanoseconds { get; }
    }
}
