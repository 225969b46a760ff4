// Little-endian integer reads and writes over byte spans, bounds-checked. Runs anywhere; x86 is
// little-endian, so these are plain unaligned loads and stores.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace System.Buffers.Binary
{
    public static class BinaryPrimitives
    {
        public static ushort ReadUInt16LittleEndian(ReadOnlySpan<byte> source) => Read<ushort>(source);
        public static short ReadInt16LittleEndian(ReadOnlySpan<byte> source) => Read<short>(source);
        public static uint ReadUInt32LittleEndian(ReadOnlySpan<byte> source) => Read<uint>(source);
        public static int ReadInt32LittleEndian(ReadOnlySpan<byte> source) => Read<int>(source);
        public static ulong ReadUInt64LittleEndian(ReadOnlySpan<byte> source) => Read<ulong>(source);
        public static long ReadInt64LittleEndian(ReadOnlySpan<byte> source) => Read<long>(source);

        public static void WriteUInt16LittleEndian(Span<byte> destination, ushort value) => Write(destination, value);
        public static void WriteUInt32LittleEndian(Span<byte> destination, uint value) => Write(destination, value);
        public static void WriteInt32LittleEndian(Span<byte> destination, int value) => Write(destination, value);
        public static void WriteUInt64LittleEndian(Span<byte> destination, ulong value) => Write(destination, value);

        private static T Read<T>(ReadOnlySpan<byte> source) where T : unmanaged => MemoryMarshal.Read<T>(source);

        private static void Write<T>(Span<byte> destination, T value) where T : unmanaged
        {
            if (destination.Length < Unsafe.SizeOf<T>())
                throw new ArgumentOutOfRangeException("destination");
            Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), value);
        }
    }
}
