// Core's IGuestPlatform for one guest on this machine: host CPUID and TSC, the guest's memory,
// its port and MMIO devices, and the serial console (guest text is tagged `guest <name>: `,
// BareVisor's remarks `vm <name>: `). VMX root, interrupts off.
using System;
using BareVisor.Core.Cpu;
using BareVisor.Core.Devices;
using BareVisor.Core.Memory;
using BareVisor.Core.Text;
using BareVisor.Core.Vmx.Exits;
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.Console;

namespace BareVisor.Kernel.Vmx
{
    internal struct KernelGuestPlatform : IGuestPlatform
    {
        internal string Name;
        internal GuestMemory Memory;
        internal PortBus Ports;
        internal MmioBus MmioDevices;
        internal ReportedOnce Reported;
        internal PcPlatform PcDevices;
        internal ulong StartTsc;

        public CpuidResult HostCpuid(uint leaf, uint subleaf)
        {
            X86Cpu cpu = default;
            return cpu.Cpuid(leaf, subleaf);
        }

        public ulong ReadTsc() => Native.ReadTsc();

        public ulong TscHz => Platform.Clock.TscHz;

        public PcPlatform Devices => PcDevices;

        public ulong NowNanoseconds
        {
            get
            {
                ulong hz = Platform.Clock.TscHz, elapsed = Native.ReadTsc() - StartTsc;
                return elapsed / hz * 1000000000UL + elapsed % hz * 1000000000UL / hz;
            }
        }

        public MmioBus Mmio => MmioDevices;

        public bool TryReadGuestMemory(GuestPhysical address, Span<byte> destination) => Memory.TryRead(address, destination);

        public bool TryWriteGuestMemory(GuestPhysical address, ReadOnlySpan<byte> source) => Memory.TryWrite(address, source);

        public void GuestOutput(ReadOnlySpan<byte> text)
        {
            int start = 0;
            for (int i = 0; i <= text.Length; i++)
            {
                if (i == text.Length || text[i] == (byte)'\n')
                {
                    if (i > start)
                        WriteGuestLine(text.Slice(start, i - start));
                    start = i + 1;
                }
            }
        }

        private void WriteGuestLine(ReadOnlySpan<byte> line)
        {
            TextBuffer text = new TextBuffer(stackalloc char[256]);
            text.Append("guest ");
            text.Append(Name);
            text.Append(": ");
            for (int i = 0; i < line.Length; i++)
                text.Append(line[i] >= 0x20 && line[i] < 0x7F ? (char)line[i] : '.');
            Console.Log.Raw(text.Text);
        }

        public void Log(string message) => Console.Log.Info("vm " + Name + ": " + message);

        public void HostNmi() => Diagnostics.Panic.StopIfAnotherCpuPanics();

        // The timers' ports see the current time, and a write may reprogram them.
        public uint PortRead(ushort port, int size)
        {
            if (PcPlatform.IsTimerPort(port))
                PcDevices.AdvanceTo(NowNanoseconds);
            if (!Ports.TryRead(port, size, out uint value))
                ReportUnclaimed(port);
            return value;
        }

        public void PortWrite(ushort port, int size, uint value)
        {
            bool timer = PcPlatform.IsTimerPort(port);
            if (timer)
                PcDevices.AdvanceTo(NowNanoseconds);
            if (!Ports.TryWrite(port, size, value))
                ReportUnclaimed(port);
            if (timer)
                PcDevices.AdvanceTo(NowNanoseconds);
        }

        private void ReportUnclaimed(ushort port)
        {
            if (Reported.First(ReportedEvent.Port, port))
                Log(Messages.WithHex("port ", port, " is not emulated: reads all ones, writes dropped (reported once)"));
        }
    }
}
