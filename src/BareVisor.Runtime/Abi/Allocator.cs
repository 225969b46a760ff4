// The kernel heap: a bump allocator. `new` ends here. No garbage collector: memory is never
// reclaimed. Memory comes first from the boot heap the kernel hands over, then in chunks from
// the kernel's page allocator through RuntimeHost. Runs with interrupts off (single CPU).
using System;
using System.Runtime;

namespace Internal.Runtime
{
    internal static unsafe class Allocator
    {
        // Plain (non-GC) statics: usable before module initialisation has run.
        private static byte* s_next;
        private static byte* s_limit;
        private static ulong s_allocatedBytes;

        private const int ObjectHeaderSize = 8;
        private const nuint ChunkSize = 2 * 1024 * 1024;

        internal static ulong AllocatedBytes => s_allocatedBytes;

        internal static void AddMemory(byte* start, nuint size)
        {
            s_next = start;
            s_limit = start + size;
        }

        internal static object NewObject(MethodTable* type) => Place(type, type->BaseSize);

        internal static object NewArray(MethodTable* type, int length)
        {
            if (length < 0)
                throw new OverflowException();
            ulong size = type->BaseSize + (ulong)length * type->ComponentSize;
            if (size > int.MaxValue)
                throw new OutOfMemoryException("array too large");
            object array = Place(type, (uint)size);
            *(int*)((byte*)AddressOf(array) + sizeof(nint)) = length;
            return array;
        }

        // The object header (8 bytes) precedes the MethodTable pointer the reference points at.
        private static object Place(MethodTable* type, uint size)
        {
            byte* memory = Take((size + 7) & ~7u);
            object result = FromAddress(memory + ObjectHeaderSize);
            result.m_pMethodTable = type;
            return result;
        }

        private static byte* Take(nuint size)
        {
            if (s_next + size > s_limit)
                Grow(size);
            byte* result = s_next;
            s_next += size;
            s_allocatedBytes += size;
            return result;
        }

        private static void Grow(nuint size)
        {
            nuint chunk = size > ChunkSize ? (size + 4095) & ~(nuint)4095 : ChunkSize;
            byte* memory = RuntimeHost.AllocatePages(chunk);
            if (memory == null)
                throw new OutOfMemoryException("kernel heap exhausted");
            for (nuint i = 0; i < chunk; i += 8)
                *(ulong*)(memory + i) = 0;
            AddMemory(memory, chunk);
        }

        internal static void* AddressOf(object obj) => *(void**)&obj;

        internal static object FromAddress(void* address) => *(object*)&address;
    }
}
