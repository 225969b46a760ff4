// Pure logic; no hardware. The outcome of fitting wanted VMX controls to a capability MSR.
namespace BareVisor.Core.Vmx
{
    public readonly struct ControlAdjustment
    {
        /// <summary>What to write to the control field: (wanted | required | allowed0) &amp; allowed1.</summary>
        public readonly uint Value;

        /// <summary>Required bits the CPU cannot set (allowed1 clear): VM entry would fail or the feature is missing.</summary>
        public readonly uint MissingRequired;

        /// <summary>Wanted, not required, bits the CPU cannot set; BareVisor goes on without them.</summary>
        public readonly uint DroppedOptional;

        /// <summary>Bits the CPU insists on (allowed0 set) that were not asked for.</summary>
        public readonly uint ForcedOn;

        public ControlAdjustment(uint value, uint missingRequired, uint droppedOptional, uint forcedOn)
        {
            Value = value;
            MissingRequired = missingRequired;
            DroppedOptional = droppedOptional;
            ForcedOn = forcedOn;
        }

        /// <summary>True when every required bit is in Value.</summary>
        public bool IsSatisfied => MissingRequired == 0;
    }
}
