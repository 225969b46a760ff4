// Casting helpers ILC binds by name (System.Runtime.TypeCast). Runs anywhere; never allocates
// except to throw InvalidCastException.
using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace System.Runtime
{
    internal static unsafe class TypeCast
    {
        public static object IsInstanceOfAny(MethodTable* target, object obj)
        {
            if (obj == null)
                return null;
            return Implements(MethodTable.Of(obj), target) ? obj : null;
        }

        public static object IsInstanceOfInterface(MethodTable* target, object obj) =>
            obj != null && ImplementsInterface(MethodTable.Of(obj), target) ? obj : null;

        public static object IsInstanceOfClass(MethodTable* target, object obj) =>
            obj != null && DerivesFrom(MethodTable.Of(obj), target) ? obj : null;

        // Used by catch filters; BareVisor never catches, but ILC requires the helper.
        public static bool IsInstanceOfException(MethodTable* target, object obj) =>
            obj != null && DerivesFrom(MethodTable.Of(obj), target);

        public static object CheckCastAny(MethodTable* target, object obj) => Checked(IsInstanceOfAny(target, obj), obj);

        public static object CheckCastInterface(MethodTable* target, object obj) => Checked(IsInstanceOfInterface(target, obj), obj);

        public static object CheckCastClass(MethodTable* target, object obj) => Checked(IsInstanceOfClass(target, obj), obj);

        private static object CheckCastClassSpecial(MethodTable* target, object obj) => CheckCastClass(target, obj);

        public static void StelemRef(object[] array, nint index, object obj)
        {
            if ((nuint)index >= (uint)array.Length)
                throw new IndexOutOfRangeException();
            MethodTable* elementType = MethodTable.Of(array)->RelatedType;
            if (obj != null && !Implements(MethodTable.Of(obj), elementType))
                throw new ArrayTypeMismatchException();
            Unsafe.Add(ref Unsafe.As<byte, object>(ref Unsafe.As<RawArrayData>(array).Data), index) = obj;
        }

        public static ref object LdelemaRef(object[] array, nint index, MethodTable* elementType)
        {
            if ((nuint)index >= (uint)array.Length)
                throw new IndexOutOfRangeException();
            if (MethodTable.Of(array)->RelatedType != elementType)
                throw new ArrayTypeMismatchException();
            return ref Unsafe.Add(ref Unsafe.As<byte, object>(ref Unsafe.As<RawArrayData>(array).Data), index);
        }

        private static object Checked(object result, object obj)
        {
            if (result == null && obj != null)
                throw new InvalidCastException();
            return result;
        }

        private static bool Implements(MethodTable* type, MethodTable* target)
        {
            if (target->IsInterface)
                return ImplementsInterface(type, target);
            if (target->IsArray && type->IsArray)
                return type == target || Implements(type->RelatedType, target->RelatedType);
            return DerivesFrom(type, target);
        }

        private static bool DerivesFrom(MethodTable* type, MethodTable* target)
        {
            if (type->IsParameterized)
                return type == target;
            for (MethodTable* t = type; t != null; t = t->RelatedType)
            {
                if (t == target)
                    return true;
            }
            return false;
        }

        private static bool ImplementsInterface(MethodTable* type, MethodTable* target)
        {
            MethodTable** map = type->InterfaceMap;
            for (int i = 0; i < type->NumInterfaces; i++)
            {
                if (map[i] == target)
                    return true;
            }
            return type == target;
        }
    }
}
