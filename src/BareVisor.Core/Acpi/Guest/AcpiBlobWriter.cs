// A little-endian writer over a fixed byte array, for building ACPI tables, AML and resource
// descriptors: fields, the standard table header and its checksum, and closing a gap (AML's
// package lengths are only known once their contents are written). Runs at guest set-up; the
// array is allocated once by the constructor.
using System;
using System.Buffers.Binary;

namespace BareVisor.Core.Acpi.Guest
{
    internal sealed class AcpiBlobWriter
    {
        private const int ChecksumOffset = 9; // in the standard table header

        public const string OemId = "BAREVI";
        public const string OemTableId = "BAREVISR";
        public const uint OemRevision = 1;
        public const string CreatorId = "BVSR";
        public const uint CreatorRevision = 1;

        private readonly byte[] _bytes;
        private readonly ulong _baseAddress;

        /// <param name="capacity">The most bytes the writer can hold.</param>
        /// <param name="baseAddress">The guest-physical address the first byte will have.</param>
        public AcpiBlobWriter(int capacity, ulong baseAddress)
        {
            _bytes = new byte[capacity];
            _baseAddress = baseAddress;
        }

        public int Position { get; private set; }

        /// <summary>The guest-physical address of the next byte.</summary>
        public ulong Address => _baseAddress + (ulong)Position;

        /// <summary>What has been written so far.</summary>
        public Span<byte> Written => new Span<byte>(_bytes, 0, Position);

        public void U8(uint value)
        {
            if (Position >= _bytes.Length)
                throw new InvalidOperationException("guest ACPI tables: a table outgrew its buffer");
            _bytes[Position++] = (byte)value;
        }

        public void U16(uint value)
        {
            U8(value);
            U8(value >> 8);
        }

        public void U32(uint value)
        {
            U16(value);
            U16(value >> 16);
        }

        public void U64(ulong value)
        {
            U32((uint)value);
            U32((uint)(value >> 32));
        }

        public void Zeros(int count)
        {
            for (int i = 0; i < count; i++)
                U8(0);
        }

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            for (int i = 0; i < bytes.Length; i++)
                U8(bytes[i]);
        }

        /// <summary>The characters of text (ASCII), then spaces up to width.</summary>
        public void Ascii(string text, int width)
        {
            for (int i = 0; i < width; i++)
                U8(i < text.Length ? text[i] : (uint)' ');
        }

        /// <summary>Pads with zeros until the guest-physical address is a multiple of alignment.</summary>
        public void AlignTo(int alignment)
        {
            while (Address % (ulong)alignment != 0)
                U8(0);
        }

        /// <summary>A Generic Address Structure (ACPI spec 5.2.3.2) of a register at bit offset 0.</summary>
        public void GenericAddress(byte addressSpace, byte bitWidth, byte accessSize, ulong address)
        {
            U8(addressSpace);
            U8(bitWidth);
            U8(0);
            U8(accessSize);
            U64(address);
        }

        /// <summary>The standard header with Length and Checksum still zero; returns the table's start.</summary>
        public int BeginTable(string signature, byte revision)
        {
            int start = Position;
            Ascii(signature, 4);
            U32(0);
            U8(revision);
            U8(0);
            Ascii(OemId, 6);
            Ascii(OemTableId, 8);
            U32(OemRevision);
            Ascii(CreatorId, 4);
            U32(CreatorRevision);
            return start;
        }

        /// <summary>Fills in Length and Checksum of the table that starts at start and ends here.</summary>
        public void EndTable(int start)
        {
            PatchU32(start + 4, (uint)(Position - start));
            FixChecksum(start, Position - start, start + ChecksumOffset);
        }

        /// <summary>Sets the byte at checksumAt so that [start, start + length) sums to zero.</summary>
        public void FixChecksum(int start, int length, int checksumAt)
        {
            _bytes[checksumAt] = 0;
            _bytes[checksumAt] = (byte)(0 - AcpiChecksum.Sum(new ReadOnlySpan<byte>(_bytes, start, length)));
        }

        public void PatchU8(int at, byte value) => _bytes[at] = value;

        public void PatchU32(int at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(_bytes, at, 4), value);

        /// <summary>Removes count bytes at `at`, moving what follows down.</summary>
        public void Remove(int at, int count)
        {
            for (int i = at; i + count < Position; i++)
                _bytes[i] = _bytes[i + count];
            Position -= count;
        }

        /// <summary>Moves the write position, to overwrite reserved bytes and come back.</summary>
        public void Seek(int at) => Position = at;

        public byte[] ToArray() => Written.ToArray();
    }
}
