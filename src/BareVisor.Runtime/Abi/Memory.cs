// Bulk memory helpers ILC binds by name (System.SpanHelpers, System.Buffer). They forward to the
// rep-string routines in Abi.asm. Runs anywhere; never allocates.
using System.Runtime;
using System.Runtime.CompilerServices;

namespace System
{
    internal static unsafe class SpanHelpers
    {
        internal static void Memmove(ref byte destination, ref byte source, nuint length) =>
            AbiMemory.memmove(Unsafe.AsPointer(ref destination), Unsafe.AsPointer(ref source), length);

        internal static void ClearWithoutReferences(ref byte destination, nuint length) =>
            AbiMemory.memset(Unsafe.AsPointer(ref destination), 0, length);

        internal static void Fill(ref byte destination, byte value, nuint length) =>
            AbiMemory.memset(Unsafe.AsPointer(ref destination), value, length);
    }

    public static unsafe class Buffer
    {
        internal static void BulkMoveWithWriteBarrier(ref byte destination, ref byte source, nuint length) =>
            AbiMemory.memmove(Unsafe.AsPointer(ref destination), Unsafe.AsPointer(ref source), length);

        internal static void Memmove(ref byte destination, ref byte source, nuint length) =>
            AbiMemory.memmove(Unsafe.AsPointer(ref destination), Unsafe.AsPointer(ref source), length);
    }

    internal static unsafe class AbiMemory
    {
        [MethodImpl(MethodImplOptions.InternalCall)]
        [RuntimeImport("*", "memmove")]
        internal static extern void* memmove(void* destination, void* source, nuint length);

        [MethodImpl(MethodImplOptions.InternalCall)]
        [RuntimeImport("*", "memset")]
        internal static extern void* memset(void* destination, int value, nuint length);
    }
}
