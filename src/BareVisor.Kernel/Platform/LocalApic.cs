// This CPU's local APIC, used only to send IPIs (SDM Vol. 3A 10.6.1, Interrupt Command
// Register): INIT and start-up, from the BSP at boot, to wake the APs; an NMI to every other CPU,
// from whichever CPU panics. xAPIC mode writes the ICR through the APIC's MMIO page (identity
// mapped by KernelPaging), x2APIC mode through MSR 0x830. Interrupts off; does not allocate.
using BareVisor.Kernel.Arch;

namespace BareVisor.Kernel.Platform
{
    internal static unsafe class LocalApic
    {
        private const uint Ia32ApicBase = 0x1B;
        private const ulong ApicBaseExtd = 1UL << 10;           // x2APIC mode
        private const ulong ApicBaseAddressMask = 0xFFFFFF000;
        private const uint X2ApicIcr = 0x830;
        private const uint XApicIcrLow = 0x300, XApicIcrHigh = 0x310;
        private const uint IcrDeliveryStatus = 1u << 12;        // xAPIC: send pending
        private const uint IcrInitAssert = 0x00004500;          // delivery mode INIT, level assert
        private const uint IcrStartup = 0x00004600;             // delivery mode start-up, vector in bits 7:0
        private const uint IcrNmiAllExcludingSelf = 0x000C4400; // delivery mode NMI, shorthand 11b (bits 19:18)
        private const ulong SendPendingTimeoutMicroseconds = 1000;

        internal static void SendInit(uint apicId) => Send(apicId, IcrInitAssert);

        // vector: the page number of the real-mode start address (below 1 MiB).
        internal static void SendStartup(uint apicId, byte vector) => Send(apicId, IcrStartup | vector);

        // The destination field is ignored with a shorthand.
        internal static void SendNmiToAllOthers() => Send(0, IcrNmiAllExcludingSelf);

        private static void Send(uint apicId, uint icrLow)
        {
            ulong apicBase;
            if (!Native.TryReadMsr(Ia32ApicBase, &apicBase))
                return;
            if ((apicBase & ApicBaseExtd) != 0)
            {
                Native.TryWriteMsr(X2ApicIcr, ((ulong)apicId << 32) | icrLow);
                return;
            }
            // Plain pointer accesses: the JIT neither drops these stores nor hoists the load out
            // of a loop that calls out, and the page is uncached (MTRRs).
            byte* mmio = (byte*)(apicBase & ApicBaseAddressMask);
            *(uint*)(mmio + XApicIcrHigh) = apicId << 24;
            *(uint*)(mmio + XApicIcrLow) = icrLow;
            ulong waited = 0;
            while ((*(uint*)(mmio + XApicIcrLow) & IcrDeliveryStatus) != 0 && waited++ < SendPendingTimeoutMicroseconds)
                Clock.WaitMicroseconds(1);
        }
    }
}
