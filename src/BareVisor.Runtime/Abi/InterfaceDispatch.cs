// Interface calls that ILC could not devirtualise go through a dispatch cell: the call site loads
// the cell's address into r11 and calls its stub (RhpInitialDynamicInterfaceDispatch in Abi.asm),
// which asks this resolver for the target. Layouts are ILC 10's contract:
//   cell: { stub, rel32(interface MethodTable) | 3 }; the cells of all call sites of one interface
//   method form a block that ends with a terminator cell { 0, interface slot }
//   dispatch map: 4 x ushort counts, then { interface index, interface slot, vtable slot } entries
// No caching: BareVisor's hot paths use generic struct constraints, which need no dispatch.
using System;
using System.Runtime;

namespace Internal.Runtime
{
    internal static unsafe class InterfaceDispatch
    {
        private const uint HasDispatchMapFlag = 0x00040000;
        private const uint HasFinalizerFlag = 0x00100000;
        private const uint HasSealedVirtualsFlag = 0x00400000;

        [RuntimeExport("BareVisorResolveInterfaceCall")]
        private static nint Resolve(object obj, nint* cell)
        {
            if (obj == null)
                throw new NullReferenceException();
            MethodTable* iface = (MethodTable*)RelativeTarget(cell + 1, (int)cell[1] & ~3);
            ushort slot = SlotOf(cell);
            MethodTable* type = MethodTable.Of(obj);
            for (MethodTable* t = type; t != null && !t->IsParameterized; t = t->RelatedType)
            {
                int vtableSlot = FindImplementation(t, iface, slot);
                if (vtableSlot < 0)
                    continue;
                // Virtual slots can be overridden further down: take the object's own vtable.
                // Higher slots are non-virtual and live in the declaring type's sealed vtable.
                if (vtableSlot < t->NumVtableSlots)
                    return type->Vtable[vtableSlot];
                return SealedSlotTarget(t, vtableSlot);
            }
            throw new NotSupportedException("interface method has no implementation (default interface methods are not supported)");
        }

        private static ushort SlotOf(nint* cell)
        {
            nint* terminator = cell;
            while (terminator[0] != 0)
                terminator += 2;
            return (ushort)terminator[1];
        }

        private static int FindImplementation(MethodTable* type, MethodTable* iface, ushort slot)
        {
            int index = InterfaceIndex(type, iface);
            ushort* map = DispatchMap(type);
            if (index < 0 || map == null)
                return -1;
            ushort* entry = map + 4;
            for (int i = 0; i < map[0]; i++, entry += 3)
            {
                if (entry[0] == index && entry[1] == slot)
                    return entry[2];
            }
            return -1;
        }

        private static int InterfaceIndex(MethodTable* type, MethodTable* iface)
        {
            for (int i = 0; i < type->NumInterfaces; i++)
            {
                if (type->InterfaceMap[i] == iface)
                    return i;
            }
            return -1;
        }

        // Optional fields follow the interface map as 32-bit relative pointers, in this order:
        // type manager, writable data, dispatch map, finalizer, sealed virtual slots.
        private static int* OptionalFields(MethodTable* type) => (int*)(type->InterfaceMap + type->NumInterfaces);

        private static ushort* DispatchMap(MethodTable* type)
        {
            if ((type->Flags & HasDispatchMapFlag) == 0)
                return null;
            int* field = OptionalFields(type) + 2;
            return (ushort*)RelativeTarget(field, *field);
        }

        private static nint SealedSlotTarget(MethodTable* type, int vtableSlot)
        {
            if ((type->Flags & HasSealedVirtualsFlag) == 0)
                throw new NotSupportedException("interface implementation slot outside the vtable");
            int* field = OptionalFields(type) + 2;
            if ((type->Flags & HasDispatchMapFlag) != 0)
                field++;
            if ((type->Flags & HasFinalizerFlag) != 0)
                field++;
            int* sealedSlots = (int*)RelativeTarget(field, *field);
            int* target = sealedSlots + (vtableSlot - type->NumVtableSlots);
            return (nint)RelativeTarget(target, *target);
        }

        private static byte* RelativeTarget(void* location, int offset) => (byte*)location + offset;
    }
}
