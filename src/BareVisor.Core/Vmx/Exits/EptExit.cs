// EPT violations: an access to guest-physical memory that is not RAM. In a range an MMIO device
// claims, the instruction is emulated (Mmio/MmioEmulator); where there is no device either, it is
// emulated against the open bus (reads all ones, writes dropped, as on a PC), reported once per VM.
// An instruction fetch or a guest page-table walk that reaches no RAM cannot be carried out and
// stops the guest with the address. EPT misconfigurations are BareVisor bugs in its own tables and
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
            bool device = mmio != null && mmio.Claims(new GuestPhysical(address));
            if (q.Execute)
                return vcpu.Stop(device
                    ? Messages.WithHex("instruction fetch from MMIO at guest-physical ", address, ": guests cannot run code from device registers")
                    : Messages.WithHex("instruction fetch from guest-physical ", address, ": no memory or device there"));
            if (q.GuestLinearAddressValid && !q.TranslatedAccess)
                return vcpu.Stop(Messages.WithHex(device ? "the guest's page-table walk reached MMIO at guest-physical "
                    : "the guest's page-table walk reached guest-physical ", address, device ? "" : ", where there is no memory or device"));
            if (device)
                return EmulateMmio(ref vcpu, mmio, new GuestPhysical(address), q.Write);
            if (vcpu.ReportOnce(ReportedEvent.OpenBus, 0))
                vcpu.Platform.Log(Messages.WithHex("guest-physical ", address,
                    " has no memory or device: reads return all ones, writes are dropped (reported once per VM)"));
            return MmioEmulator.Emulate(ref vcpu, OpenBus.Bus, new GuestPhysical(address), q.Write);
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
