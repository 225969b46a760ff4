// The root of every class. The first field's position is a contract with ILC: it holds the
// object's MethodTable pointer. Runs anywhere.
using Internal.Runtime;

namespace System
{
    public unsafe class Object
    {
        internal MethodTable* m_pMethodTable;

        public Object() { }

        // There is no finalizer thread; ILC looks this method up by name to recognise finalizers.
        ~Object() { }

        public virtual bool Equals(object obj) => this == obj;

        // No garbage collector moves objects, so the address is a stable hash.
        public virtual int GetHashCode()
        {
            object self = this;
            nuint address = *(nuint*)&self;
            return (int)address ^ (int)(address >> 32);
        }

        public virtual string ToString() => "object";

        public static bool ReferenceEquals(object a, object b) => a == b;

        internal ref byte GetRawData() => ref Runtime.CompilerServices.Unsafe.As<RawData>(this).Data;

        internal uint GetRawObjectDataSize() => m_pMethodTable->BaseSize - (uint)sizeof(ObjectHeaderAndMethodTable);

        private struct ObjectHeaderAndMethodTable
        {
            private nint _header;
            private nint _methodTable;
        }
    }

    internal sealed class RawData
    {
        public byte Data;
    }
}
