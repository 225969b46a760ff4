// The kernel heap: a bump allocator. `new` ends here. No garbage collector: memory is never
// reclaimed. Memory comes first from the boot heap the kernel hands over, then in chunks from
// the kernel's page allocator through RuntimeHost. Any CPU, interrupts off while the heap lock is
// held; safe on several CPUs once the kernel has supplied the lock (RuntimeHost.SetHeapLock).
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
        private static volatile bool s_growing;
        private static ulong s_chunkBytes;

        private const int ObjectHeaderSize = 8;
        private const nuint ChunkSize = 2 * 1024 * 1024;
        private const nuint ReserveBytes = 64 * 1024;

        internal static ulong AllocatedBytes => s_allocatedBytes;

        // What the heap took from the page allocator after the boot heap.
        internal static ulong ChunkBytes => s_chunkBytes;

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
            if (memory == null)
                throw new OutOfMemoryException("kernel heap exhausted");
            object result = FromAddress(memory + ObjectHeaderSize);
            result.m_pMethodTable = type;
            return result;
        }

        // The bump under the host's heap lock (RuntimeHost.EnterHeapLock: the kernel's, so several
        // CPUs may allocate). A new chunk is fetched with the lock released, by one CPU at a time
        // (s_growing), and already when less than ReserveBytes is left: the page allocator may
        // itself allocate while it hands out the chunk (its free list grows), and that allocation
        // is served from the reserve. Others that find the chunk full wait for the new one.
        // Returns null when memory is exhausted; the caller throws, with the lock released.
        private static byte* Take(nuint size)
        {
            while (true)
            {
                ulong held = RuntimeHost.EnterHeapLock();
                byte* result = null;
                if (s_next + size <= s_limit)
                {
                    result = s_next;
                    s_next += size;
                    s_allocatedBytes += size;
                }
                bool grow = !s_growing && (result == null || (nuint)(s_limit - s_next) < ReserveBytes);
                if (grow)
                    s_growing = true;
                RuntimeHost.ExitHeapLock(held);
                if (grow && !Grow(size) && result == null)
                    return null;
                if (result != null)
                    return result;
                while (s_growing)
                {
                }
            }
        }

        // Called by the one CPU that set s_growing, without the heap lock.
        private static bool Grow(nuint size)
        {
            nuint wanted = size + ReserveBytes;
            nuint chunk = wanted > ChunkSize ? (wanted + 4095) & ~(nuint)4095 : ChunkSize;
            byte* memory = RuntimeHost.AllocatePages(chunk);
            if (memory != null)
            {
                for (nuint i = 0; i < chunk; i += 8)
                    *(ulong*)(memory + i) = 0;
            }
            ulong held = RuntimeHost.EnterHeapLock();
            if (memory != null)
            {
                AddMemory(memory, chunk);
                s_chunkBytes += chunk;
            }
            s_growing = false;
            RuntimeHost.ExitHeapLock(held);
            return memory != null;
        }

        internal static void* AddressOf(object obj) => *(void**)&obj;

        internal static object FromAddress(void* address) => *(object*)&address;
    }
}
