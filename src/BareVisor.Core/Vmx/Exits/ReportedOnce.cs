// Remembers which unclaimed ports and unemulated MSRs a guest has already been reported for, and
// whether it reached guest-physical memory where nothing is, so a guest hammering one cannot
// flood the console. Allocated when the guest is created; the MSR
// list grows only on the first report of each MSR.
using System.Collections.Generic;

namespace BareVisor.Core.Vmx.Exits
{
    public enum ReportedEvent
    {
        Port,
        Msr,
        OpenBus,
    }

    public sealed class ReportedOnce
    {
        private readonly ulong[] _ports = new ulong[65536 / 64];
        private readonly List<uint> _msrs = new List<uint>();
        private bool _openBus;

        // True the first time an event is seen.
        public bool First(ReportedEvent kind, uint id)
        {
            if (kind == ReportedEvent.OpenBus)
            {
                bool first = !_openBus;
                _openBus = true;
                return first;
            }
            if (kind == ReportedEvent.Port)
            {
                ulong bit = 1UL << (int)(id & 63);
                ref ulong word = ref _ports[(id & 0xFFFF) >> 6];
                bool first = (word & bit) == 0;
                word |= bit;
                return first;
            }
            foreach (uint msr in _msrs)
            {
                if (msr == id)
                    return false;
            }
            _msrs.Add(id);
            return true;
        }
    }

    // MSR values BareVisor keeps per vCPU (the rest live in the VMCS or the CPU).
    public struct GuestMsrs
    {
        public ulong MtrrDefType;
    }
}
