// Runs at boot, may allocate (messages only). Reads one ACPI system description table and checks its header (ACPI spec 5.2.6).
using System;
using System.Buffers.Binary;
using BareVisor.Core.Memory;
using BareVisor.Core.Text;

namespace BareVisor.Core.Acpi
{
    internal enum TableStatus
    {
        Ok,
        Unreadable,   // the header or body could not be read
        BadLength,    // Length below the header size or above MaxTableLength
        BadChecksum,  // the bytes do not sum to zero
    }

    internal static class AcpiTableReader
    {
        public const int HeaderSize = 36;

        /// <summary>Real tables are at most a few hundred KiB (big DSDTs); larger lengths are garbage.</summary>
        public const uint MaxTableLength = 16u << 20;

        /// <summary>
        /// Reads the table at address. On Ok or BadChecksum, table is the whole table (Length bytes);
        /// on BadLength, table is the header; on Unreadable, whatever could be read.
        /// </summary>
        public static TableStatus Read<TMem>(ref TMem mem, HostPhysical address, out ReadOnlySpan<byte> table)
            where TMem : struct, IPhysicalMemory
        {
            table = mem.Read(address, HeaderSize);
            if (table.Length < HeaderSize)
                return TableStatus.Unreadable;
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(table.Slice(4));
            if (length < HeaderSize || length > MaxTableLength)
                return TableStatus.BadLength;
            table = mem.Read(address, (int)length);
            if (table.Length < (int)length)
                return TableStatus.Unreadable;
            return AcpiChecksum.Sum(table) == 0 ? TableStatus.Ok : TableStatus.BadChecksum;
        }

        /// <summary>The 4-character signature, or "????" if fewer than 4 bytes were readable.</summary>
        public static string Signature(ReadOnlySpan<byte> table) =>
            table.Length < 4 ? "????" : Ascii.FromBytes(table.Slice(0, 4));

        /// <summary>"acpi: FACP at 0x7fe1000 has a bad checksum" and the like.</summary>
        public static string Describe(ReadOnlySpan<byte> table, HostPhysical address, TableStatus status)
        {
            string what;
            switch (status)
            {
                case TableStatus.Unreadable: what = " is unreadable"; break;
                case TableStatus.BadChecksum: what = " has a bad checksum"; break;
                case TableStatus.BadLength:
                    uint length = BinaryPrimitives.ReadUInt32LittleEndian(table.Slice(4));
                    what = Messages.WithDecimal(" has an impossible length of ", length, " bytes");
                    break;
                default: what = " is fine"; break;
            }
            string name = status == TableStatus.Unreadable ? "table" : Signature(table);
            return Messages.WithHex("acpi: " + name + " at ", address.Value, what);
        }
    }
}
