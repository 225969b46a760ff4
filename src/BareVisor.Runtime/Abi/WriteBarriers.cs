// Write barriers and GC transitions. With no garbage collector a barrier is a plain store and a
// transition does nothing; ILC still emits calls to them. RhpByRefAssignRef is in Abi.asm
// (it has a register convention C# cannot express).
using System.Runtime;

namespace Internal.Runtime
{
    internal static unsafe class WriteBarriers
    {
        [RuntimeExport("RhpAssignRef")]
        private static void RhpAssignRef(void** destination, void* value) => *destination = value;

        [RuntimeExport("RhpCheckedAssignRef")]
        private static void RhpCheckedAssignRef(void** destination, void* value) => *destination = value;

        [RuntimeExport("RhpPInvoke")]
        private static void RhpPInvoke(nint frame) { }

        [RuntimeExport("RhpPInvokeReturn")]
        private static void RhpPInvokeReturn(nint frame) { }

        [RuntimeExport("RhpReversePInvoke")]
        private static void RhpReversePInvoke(nint frame) { }

        [RuntimeExport("RhpReversePInvokeReturn")]
        private static void RhpReversePInvokeReturn(nint frame) { }

        [RuntimeExport("RhpGcPoll")]
        private static void RhpGcPoll() { }
    }
}
