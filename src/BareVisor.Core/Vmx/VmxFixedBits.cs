// Pure logic; no hardware. CR0 and CR4 in VMX operation (Intel SDM Vol. 3D, A.7 and A.8): a bit
// set in IA32_VMX_CRn_FIXED0 must be 1, a bit clear in IA32_VMX_CRn_FIXED1 must be 0. Applies to
// the host's CR0/CR4 before VMXON and to guest CR0/CR4 at VM entry. Runs anywhere.
namespace BareVisor.Core.Vmx
{
    public static class VmxFixedBits
    {
        public const ulong Cr0ProtectionEnable = 1UL << 0;   // CR0.PE
        public const ulong Cr0Paging = 1UL << 31;            // CR0.PG

        /// <summary>value with every fixed-1 bit set and every fixed-0 bit cleared.</summary>
        public static ulong ApplyFixed(ulong value, ulong fixed0, ulong fixed1) => (value | fixed0) & fixed1;

        /// <summary>The bits of value that break the rule: fixed-1 bits that are clear and fixed-0 bits that are set. 0 when value is fine.</summary>
        public static ulong FixedViolations(ulong value, ulong fixed0, ulong fixed1) => (fixed0 & ~value) | (value & ~fixed1);

        /// <summary>
        /// CR0_FIXED0 as it applies to a guest with the "unrestricted guest" control: PE and PG may
        /// then be 0 (SDM Vol. 3C, "Checks on Guest Control Registers, Debug Registers, and MSRs").
        /// </summary>
        public static ulong UnrestrictedGuestCr0Fixed0(ulong cr0Fixed0) => cr0Fixed0 & ~(Cr0ProtectionEnable | Cr0Paging);
    }
}
