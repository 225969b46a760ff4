// Host test code. A small IGuestPlatform for the MMIO tests: guest RAM as one byte array at
// guest-physical 0, an MmioBus, and a log. Kept here (not in Vmx/Exits) so the exit-handler tests
// and these evolve independently.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using BareVisor.Core.Cpu;
using BareVisor.Core.Devices;
using BareVisor.Core.Memory;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Mmio
{
    public struct MmioTestPlatform : IGuestPlatform
    {
        public readonly byte[] Ram;
        public MmioBus Bus;
        public readonly List<string> Logs;

        public MmioTestPlatform(int ramBytes)
        {
            Ram = new byte[ramBytes];
            Bus = new MmioBus();
            Logs = new List<string>();
        }

        public void Write32(ulong address, ulong value) => BinaryPrimitives.WriteUInt32LittleEndian(Ram.AsSpan((int)address), (uint)value);

        public void Write64(ulong address, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Ram.AsSpan((int)address), value);

        public void Place(ulong address, params byte[] bytes) => bytes.CopyTo(Ram.AsSpan((int)address));

        public CpuidResult HostCpuid(uint leaf, uint subleaf) => default;


        public ulong ReadTsc() => 0;

        public ulong TscHz => 1_000_000_000;

        public bool TryReadGuestMemory(GuestPhysical address, Span<byte> destination)
        {
            if (address.Value > (ulong)Ram.Length || (ulong)Ram.Length - address.Value < (ulong)destination.Length)
                return false;
            Ram.AsSpan((int)address.Value, destination.Length).CopyTo(destination);
            return true;
        }

        public bool TryWriteGuestMemory(GuestPhysical address, ReadOnlySpan<byte> source)
        {
            if (address.Value > (ulong)Ram.Length || (ulong)Ram.Length - address.Value < (ulong)source.Length)
                return false;
            source.CopyTo(Ram.AsSpan((int)address.Value));
            return true;
        }

        public void GuestOutput(ReadOnlySpan<byte> text) => Logs.Add("guest: " + System.Text.Encoding.ASCII.GetString(text));

        public void Log(string message) => Logs.Add(message);

        public void HostNmi() { }

        public uint PortRead(ushort port, int size) => 0xFFFFFFFF;

        public void PortWrite(ushort port, int size, uint value)
        {
        }

        public MmioBus Mmio => Bus;

        public PcPlatform Devices => null;

        public ulong NowNanoseconds => 0;
    }
}
