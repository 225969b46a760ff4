// Pure logic; no hardware. Fitting the 32-bit VMX control fields to the capability MSRs (Intel SDM
// Vol. 3D, A.3-A.5): bits 31:0 of the MSR are the allowed 0-settings (a 1 means the control must
// be 1), bits 63:32 the allowed 1-settings (a 0 means the control must be 0). Runs anywhere; never
// allocates.
using BareVisor.Core.Cpu;
using BareVisor.Core.Text;

namespace BareVisor.Core.Vmx
{
    public static class VmxControls
    {
        /// <summary>
        /// (wanted | required | allowed0) &amp; allowed1, and which required bits the CPU lacks. Use the
        /// TRUE capability MSR when IA32_VMX_BASIC bit 55 is set (see CapabilityMsr).
        /// </summary>
        public static ControlAdjustment Adjust(ulong capabilityMsr, uint wanted, uint required)
        {
            uint allowed0 = (uint)capabilityMsr;
            uint allowed1 = (uint)(capabilityMsr >> 32);
            uint asked = wanted | required;
            return new ControlAdjustment(
                (asked | allowed0) & allowed1,
                required & ~allowed1,
                wanted & ~required & ~allowed1,
                allowed0 & ~asked & allowed1);
        }

        /// <summary>
        /// The capability MSR for a control field: the IA32_VMX_TRUE_*_CTLS one when trueControls
        /// (IA32_VMX_BASIC bit 55). Secondary controls have no TRUE MSR; IA32_VMX_PROCBASED_CTLS2
        /// exists only when the primary controls allow "activate secondary controls" (bit 63 of
        /// IA32_VMX_PROCBASED_CTLS).
        /// </summary>
        public static uint CapabilityMsr(VmxControlKind kind, bool trueControls)
        {
            switch (kind)
            {
                case VmxControlKind.PinBased: return trueControls ? Msr.Ia32VmxTruePinbasedCtls : Msr.Ia32VmxPinbasedCtls;
                case VmxControlKind.PrimaryProcessorBased: return trueControls ? Msr.Ia32VmxTrueProcbasedCtls : Msr.Ia32VmxProcbasedCtls;
                case VmxControlKind.SecondaryProcessorBased: return Msr.Ia32VmxProcbasedCtls2;
                case VmxControlKind.Exit: return trueControls ? Msr.Ia32VmxTrueExitCtls : Msr.Ia32VmxExitCtls;
                default: return trueControls ? Msr.Ia32VmxTrueEntryCtls : Msr.Ia32VmxEntryCtls;
            }
        }

        public static uint CapabilityMsr(VmxControlKind kind, Ia32VmxBasic basic) => CapabilityMsr(kind, basic.TrueControls);

        /// <summary>Appends the names of the set bits, lowest first: "EnableEpt, UnrestrictedGuest" ("Bit29" for an unnamed bit).</summary>
        public static void AppendNames(ref TextBuffer text, VmxControlKind kind, uint bits)
        {
            bool first = true;
            for (int bit = 0; bit < 32; bit++)
            {
                if ((bits & (1u << bit)) == 0)
                    continue;
                if (!first)
                    text.Append(", ");
                first = false;
                AppendBitName(ref text, kind, bit);
            }
        }

        private static void AppendBitName(ref TextBuffer text, VmxControlKind kind, int bit)
        {
            string name = VmxControlNames.Name(kind, bit);
            if (name != null)
            {
                text.Append(name);
                return;
            }
            text.Append("Bit");
            text.AppendDecimal((ulong)bit);
        }
    }
}
