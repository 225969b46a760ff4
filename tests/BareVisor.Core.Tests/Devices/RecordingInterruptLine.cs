// Host test code. An interrupt wire that remembers its level and counts rising edges.
using BareVisor.Core.Devices;

namespace BareVisor.Core.Tests.Devices
{
    public sealed class RecordingInterruptLine : IInterruptLine
    {
        public bool Level { get; private set; }
        public int RisingEdges { get; private set; }
        public int Calls { get; private set; }

        public void Set(bool level)
        {
            Calls++;
            if (level && !Level)
                RisingEdges++;
            Level = level;
        }
    }
}
