// The view of ILC 10's type descriptor (MethodTable) that casting and allocation need.
// Layout and flag bits are a contract with ILCompiler 10.0; re-check them on every upgrade.
using System.Runtime.CompilerServices;

namespace Internal.Runtime
{
    internal unsafe struct MethodTable
    {
        // Low 16 bits: component size (arrays, strings); high 16 bits: EETypeFlags.
        private uint _flags;
        private uint _baseSize;
        private MethodTable* _relatedType;
        private ushort _numVtableSlots;
        private ushort _numInterfaces;
        private uint _hashCode;

        private const uint HasComponentSizeFlag = 0x80000000;
        private const uint ElementTypeMask = 0x7C000000;
        private const int ElementTypeShift = 26;
        private const uint KindMask = 0x00030000;
        private const uint ParameterizedKind = 0x00020000;

        // EETypeElementType values that casting distinguishes.
        private const uint ElementTypeInterface = 0x15;
        private const uint ElementTypeArray = 0x17;
        private const uint ElementTypeSzArray = 0x18;

        internal uint Flags => _flags;

        internal uint BaseSize => _baseSize;

        internal ushort ComponentSize => (_flags & HasComponentSizeFlag) != 0 ? (ushort)_flags : (ushort)0;

        internal bool HasComponentSize => (_flags & HasComponentSizeFlag) != 0;

        private uint ElementType => (_flags & ElementTypeMask) >> ElementTypeShift;

        internal bool IsInterface => ElementType == ElementTypeInterface;

        internal bool IsArray => ElementType == ElementTypeArray || ElementType == ElementTypeSzArray;

        internal bool IsParameterized => (_flags & KindMask) == ParameterizedKind;

        // Base type for classes; element type for arrays.
        internal MethodTable* RelatedType => _relatedType;

        internal ushort NumVtableSlots => _numVtableSlots;

        internal ushort NumInterfaces => _numInterfaces;

        // The interface map follows the vtable: one pointer per implemented interface.
        internal MethodTable** InterfaceMap =>
            (MethodTable**)((byte*)Unsafe.AsPointer(ref this) + sizeof(MethodTable) + _numVtableSlots * sizeof(nint));

        internal nint* Vtable => (nint*)((byte*)Unsafe.AsPointer(ref this) + sizeof(MethodTable));

        internal static MethodTable* Of(object obj) => obj.m_pMethodTable;
    }
}
