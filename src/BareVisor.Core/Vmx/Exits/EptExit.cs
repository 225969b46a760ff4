// EPT violations: an access to guest-physical memory that is not RAM. In a range an MMIO device
// claims, the instruction is emulated (Mmio/MmioEmulator); anything else stops the guest with the
// address and the kind of access. EPT misconfigurations are BareVisor bugs in its own tables and
// stop the guest with the address.
using BareVisor.Core.Devices;
using BareVisor.Core.Memory;
using BareVisor.Core.Text;
using BareVisor.Core.Vmx.Mmio;

namespace BareVisor.Core.Vmx.Exits
{
    public static class EptExit
    {
        public static ExitAction HandleViolation<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            ulong address = vcpu.Vmcs.Read(VmcsField64.GuestPhysicalAddress);
            EptViolationQualification q = new EptViolationQualification(vcpu.ExitQualification);
            MmioBus mmio = vcpu.Platform.Mmio;
            if (mmio != null && mmio.Claims(new GuestPhysical(address)))
            {
                if (q.Execute)
                    return vcpu.Stop(Messages.WithHex("instruction fetch from MMIO at guest-physical ", address,
                        ": guests cannot run code from device registers"));
                if (q.GuestLinearAddressValid && !q.TranslatedAccess)
                    return vcpu.Stop(Messages.WithHex("the guest's page-table walk reached MMIO at guest-physical ", address, ""));
                return EmulateMmio(ref vcpu, mmio, new GuestPhysical(address), q.Write);
            }
            string access = q.Write ? "write" : q.Execute ? "execute" : "read";
            return vcpu.Stop(Messages.WithHex("EPT violation at guest-physical ", address, " (" + access + "): no memory or device there"));
        }

        // The local APIC's timer registers see the current time before the access, and the
        // platform's next event is recomputed after it.
        internal static ExitAction EmulateMmio<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, MmioBus mmio, GuestPhysical address, bool write)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            PcPlatform devices = vcpu.Platform.Devices;
            if (devices == null || !PcPlatform.IsTimerMmio(address))
                return MmioEmulator.Emulate(ref vcpu, mmio, address, write);
            ulong now = vcpu.Platform.NowNanoseconds;
            devices.AdvanceTo(now);
            ExitAction action = MmioEmulator.Emulate(ref vcpu, mmio, address, write);
            devices.AdvanceTo(now);
            return action;
        }

        public static ExitAction HandleMisconfiguration<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            ulong address = vcpu.Vmcs.Read(VmcsField64.GuestPhysicalAddress);
            return vcpu.Stop(Messages.WithHex("EPT misconfiguration at guest-physical ", address, " (a BareVisor bug in its EPT tables)"));
        }
    }
}
