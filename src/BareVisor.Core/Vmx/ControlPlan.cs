// The VM-execution, exit and entry controls BareVisor runs guests with, fitted to what this CPU
// allows (the capability values in VirtualizationReport, TRUE ones when offered). Required
// controls that the CPU lacks are named in Error, so "this CPU lacks EnableEpt, UnrestrictedGuest"
// is what a user reads. Pure logic; runs at guest set-up.
using BareVisor.Core.Cpu;
using BareVisor.Core.Text;

namespace BareVisor.Core.Vmx
{
    public struct ControlPlan
    {
        public uint PinBased, Primary, Secondary, Exit, Entry;
        public string Error;

        private const uint RequiredPin = (uint)(PinBasedControls.ExternalInterruptExiting | PinBasedControls.NmiExiting);
        private const uint RequiredPrimary = (uint)(PrimaryProcessorBasedControls.HltExiting | PrimaryProcessorBasedControls.UseIoBitmaps
            | PrimaryProcessorBasedControls.UseMsrBitmaps | PrimaryProcessorBasedControls.ActivateSecondaryControls
            | PrimaryProcessorBasedControls.Cr8LoadExiting | PrimaryProcessorBasedControls.Cr8StoreExiting);
        private const uint RequiredSecondary = (uint)(SecondaryProcessorBasedControls.EnableEpt | SecondaryProcessorBasedControls.UnrestrictedGuest);
        private const uint WantedSecondary = (uint)(SecondaryProcessorBasedControls.EnableVpid | SecondaryProcessorBasedControls.EnableRdtscp
            | SecondaryProcessorBasedControls.EnableInvpcid | SecondaryProcessorBasedControls.EnableXsavesXrstors
            | SecondaryProcessorBasedControls.VirtualizeApicAccesses);
        private const uint RequiredExit = (uint)(ExitControls.HostAddressSpaceSize | ExitControls.AcknowledgeInterruptOnExit
            | ExitControls.SaveIa32Efer | ExitControls.LoadIa32Efer | ExitControls.SaveIa32Pat | ExitControls.LoadIa32Pat);
        private const uint RequiredEntry = (uint)(EntryControls.LoadIa32Efer | EntryControls.LoadIa32Pat);

        public static ControlPlan For(VirtualizationReport caps)
        {
            ControlPlan plan = default;
            TextBuffer missing = new TextBuffer(stackalloc char[256]);
            plan.PinBased = Fit(caps.PinBased, 0, RequiredPin, VmxControlKind.PinBased, ref missing);
            plan.Primary = Fit(caps.ProcBased, 0, RequiredPrimary, VmxControlKind.PrimaryProcessorBased, ref missing);
            plan.Secondary = Fit(caps.ProcBased2, WantedSecondary, RequiredSecondary, VmxControlKind.SecondaryProcessorBased, ref missing);
            plan.Exit = Fit(caps.Exit, 0, RequiredExit, VmxControlKind.Exit, ref missing);
            plan.Entry = Fit(caps.Entry, 0, RequiredEntry, VmxControlKind.Entry, ref missing);
            plan.HasPreemptionTimer = Allows(caps.PinBased, (uint)PinBasedControls.ActivateVmxPreemptionTimer);
            if (plan.HasPreemptionTimer)
                plan.PinBased |= (uint)PinBasedControls.ActivateVmxPreemptionTimer;
            plan.Error = missing.Length == 0 ? null : "this CPU's VT-x lacks required controls: " + missing.ToString();
            return plan;
        }

        public bool HasVpid => (Secondary & (uint)SecondaryProcessorBasedControls.EnableVpid) != 0;

        // With it, the xAPIC page exits as APIC accesses (ApicAccessExit), whose EOI writes need no decoding.
        public bool HasApicAccessPage => (Secondary & (uint)SecondaryProcessorBasedControls.VirtualizeApicAccesses) != 0;

        // Optional (time limits, device timers, waking from HLT, the CPUID fast path): whether the
        // CPU has the VMX-preemption timer; when it does, PinBased has it on.
        public bool HasPreemptionTimer;

        private static bool Allows(ulong capability, uint bits) => ((capability >> 32) & bits) == bits;

        private static uint Fit(ulong capability, uint wanted, uint required, VmxControlKind kind, ref TextBuffer missing)
        {
            ControlAdjustment adjusted = VmxControls.Adjust(capability, wanted, required);
            if (!adjusted.IsSatisfied)
            {
                if (missing.Length > 0)
                    missing.Append(", ");
                VmxControls.AppendNames(ref missing, kind, adjusted.MissingRequired);
            }
            return adjusted.Value;
        }
    }
}
