// Pure logic; no hardware. The ACPI Generic Address Structure (ACPI spec 5.2.3.2), 12 bytes.
using System;
using System.Buffers.Binary;

namespace BareVisor.Core.Acpi
{
    public struct GenericAddress
    {
        public const int Size = 12;
        public const byte SystemMemory = 0;
        public const byte SystemIo = 1;

        public byte AddressSpace;
        public byte BitWidth;
        public byte BitOffset;
        public byte AccessSize;
        public ulong Address;

        public static GenericAddress Read(ReadOnlySpan<byte> bytes)
        {
            GenericAddress gas;
            gas.AddressSpace = bytes[0];
            gas.BitWidth = bytes[1];
            gas.BitOffset = bytes[2];
            gas.AccessSize = bytes[3];
            gas.Address = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(4));
            return gas;
        }
    }
}
