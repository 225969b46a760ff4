// Boxing and unboxing helpers ILC binds by name (System.Runtime.RuntimeExports). Allocates.
using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace System.Runtime
{
    internal static unsafe class RuntimeExports
    {
        public static object RhBox(MethodTable* type, ref byte data)
        {
            object box = Allocator.NewObject(type);
            uint size = box.GetRawObjectDataSize();
            ref byte destination = ref box.GetRawData();
            for (uint i = 0; i < size; i++)
                Unsafe.Add(ref destination, (nint)i) = Unsafe.Add(ref data, (nint)i);
            return box;
        }

        public static ref byte RhUnbox2(MethodTable* type, object obj)
        {
            if (obj == null || MethodTable.Of(obj) != type)
                throw new InvalidCastException();
            return ref obj.GetRawData();
        }

        // Unboxing null to Nullable<T> gives an empty value. Unboxing a value into Nullable<T>
        // needs the value's offset inside Nullable<T>, which this runtime does not decode yet.
        public static void RhUnboxNullable(ref byte data, MethodTable* type, object obj)
        {
            if (obj != null)
                throw new NotSupportedException("unboxing a value to Nullable<T> is not supported");
            uint size = type->BaseSize - (uint)(2 * sizeof(nint));
            for (uint i = 0; i < size; i++)
                Unsafe.Add(ref data, (nint)i) = 0;
        }
    }
}
