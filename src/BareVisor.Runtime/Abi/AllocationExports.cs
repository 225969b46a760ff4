// Allocation entry points ILC-generated code calls for `new`. Runs anywhere the heap may be used.
using System;
using System.Runtime;

namespace Internal.Runtime
{
    internal static unsafe class AllocationExports
    {
        [RuntimeExport("RhpNewFast")]
        private static object RhpNewFast(MethodTable* type) => Allocator.NewObject(type);

        // No GC, so no finalization queue: finalizers never run (documented in README.md).
        [RuntimeExport("RhpNewFinalizable")]
        private static object RhpNewFinalizable(MethodTable* type) => Allocator.NewObject(type);

        [RuntimeExport("RhNewObject")]
        private static object RhNewObject(MethodTable* type) => Allocator.NewObject(type);

        [RuntimeExport("RhpNewArrayFast")]
        private static object RhpNewArrayFast(MethodTable* type, int length) => Allocator.NewArray(type, length);

        [RuntimeExport("RhpNewPtrArrayFast")]
        private static object RhpNewPtrArrayFast(MethodTable* type, int length) => Allocator.NewArray(type, length);

        [RuntimeExport("RhNewArray")]
        private static object RhNewArray(MethodTable* type, int length) => Allocator.NewArray(type, length);
    }
}
