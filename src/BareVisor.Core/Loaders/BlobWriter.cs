// Pure logic; no hardware. Little-endian assembly of the structures loaders generate (Multiboot
// information). Runs at guest set-up; allocates as it grows.
using System;
using System.Buffers.Binary;

namespace BareVisor.Core.Loaders
{
    internal sealed class BlobWriter
    {
        private byte[] _bytes = new byte[256];
        private int _length;

        public int Position => _length;

        public void U8(byte value)
        {
            Reserve(1);
            _bytes[_length++] = value;
        }

        public void U16(ushort value)
        {
            Reserve(2);
            BinaryPrimitives.WriteUInt16LittleEndian(new Span<byte>(_bytes, _length, 2), value);
            _length += 2;
        }

        public void U32(uint value)
        {
            Reserve(4);
            BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(_bytes, _length, 4), value);
            _length += 4;
        }

        public void U64(ulong value)
        {
            Reserve(8);
            BinaryPrimitives.WriteUInt64LittleEndian(new Span<byte>(_bytes, _length, 8), value);
            _length += 8;
        }

        public void Bytes(ReadOnlySpan<byte> data)
        {
            Reserve(data.Length);
            data.CopyTo(new Span<byte>(_bytes, _length, data.Length));
            _length += data.Length;
        }

        public void Zeros(int count)
        {
            Reserve(count);
            _length += count; // the array is zeroed when allocated and never written past _length
        }

        public void AlignTo(int alignment)
        {
            while ((_length & (alignment - 1)) != 0)
                U8(0);
        }

        public void PatchU32(int offset, uint value) =>
            BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(_bytes, offset, 4), value);

        public byte[] ToArray() => new ReadOnlySpan<byte>(_bytes, 0, _length).ToArray();

        private void Reserve(int count)
        {
            if (_length + count <= _bytes.Length)
                return;
            int size = _bytes.Length * 2;
            while (size < _length + count)
                size *= 2;
            byte[] larger = new byte[size];
            new ReadOnlySpan<byte>(_bytes, 0, _length).CopyTo(larger);
            _bytes = larger;
        }
    }
}
