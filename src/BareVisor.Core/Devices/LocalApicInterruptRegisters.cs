// The local APIC's interrupt bookkeeping (Intel SDM vol. 3, "Interrupt Acceptance for Fixed
// Interrupts" and "Task and Processor Priorities"): the request (IRR), in-service (ISR) and
// trigger-mode (TMR) vector sets, the task priority, and the processor and arbitration priorities
// derived from them. A vector's priority class is its bits 7:4. Pure logic; runs in VMX root;
// never allocates after construction.
namespace BareVisor.Core.Devices
{
    internal sealed class LocalApicInterruptRegisters
    {
        public readonly ApicVectorSet Requested = new ApicVectorSet();
        public readonly ApicVectorSet InService = new ApicVectorSet();
        public readonly ApicVectorSet LevelTriggered = new ApicVectorSet();

        /// <summary>TPR bits 7:0.</summary>
        public uint TaskPriority;

        /// <summary>Sets the vector's IRR bit, and its TMR bit for level or clears it for edge.</summary>
        public void Request(int vector, bool levelTriggered)
        {
            Requested.Add(vector);
            if (levelTriggered)
                LevelTriggered.Add(vector);
            else
                LevelTriggered.Remove(vector);
        }

        /// <summary>The highest requested vector if its class is above the processor priority's, else -1.</summary>
        public int Deliverable()
        {
            int vector = Requested.Highest();
            return vector >= 0 && (vector & 0xF0) > (ProcessorPriority() & 0xF0) ? vector : -1;
        }

        /// <summary>INTA: the vector moves from IRR to ISR.</summary>
        public void Acknowledge(int vector)
        {
            Requested.Remove(vector);
            InService.Add(vector);
        }

        /// <summary>EOI: clears the highest in-service vector and returns it (-1 when none is in service).</summary>
        public int EndOfInterrupt()
        {
            int vector = InService.Highest();
            if (vector >= 0)
                InService.Remove(vector);
            return vector;
        }

        /// <summary>PPR: the TPR, or the in-service vector's class when that is higher.</summary>
        public uint ProcessorPriority()
        {
            uint inService = PriorityClass(InService);
            return (TaskPriority & 0xF0) >= inService ? TaskPriority : inService;
        }

        /// <summary>
        /// APR (lowest-priority arbitration): the TPR when its class is at or above the requested
        /// class and above the in-service one, else the highest of the three classes.
        /// </summary>
        public uint ArbitrationPriority()
        {
            uint task = TaskPriority & 0xF0;
            uint requested = PriorityClass(Requested);
            uint inService = PriorityClass(InService);
            if (task >= requested && task > inService)
                return TaskPriority;
            uint highest = task > requested ? task : requested;
            return highest > inService ? highest : inService;
        }

        public void Reset()
        {
            Requested.Clear();
            InService.Clear();
            LevelTriggered.Clear();
            TaskPriority = 0;
        }

        private static uint PriorityClass(ApicVectorSet set)
        {
            int highest = set.Highest();
            return highest < 0 ? 0 : (uint)highest & 0xF0;
        }
    }
}
