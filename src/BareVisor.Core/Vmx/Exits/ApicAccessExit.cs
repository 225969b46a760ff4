// APIC-access exits (SDM Vol. 3C, "Virtualizing Memory-Mapped APIC Accesses"). With the
// "virtualize APIC accesses" control, EPT maps the guest's xAPIC page to BareVisor's APIC-access
// page and every access to it exits with the register's offset and the kind of access, instead of
// an EPT violation. An EOI write, one per interrupt and the most frequent APIC access, needs no
// instruction decoding: the xAPIC ignores the value written, and the VM-exit instruction length
// says how far to skip. Any other access goes through the MMIO emulator like a device page.
// Accesses that are not a guest instruction's own (event delivery, page walks) stop the guest.
// VMX root, interrupts off; no allocation.
using BareVisor.Core.Devices;
using BareVisor.Core.Memory;
using BareVisor.Core.Text;

namespace BareVisor.Core.Vmx.Exits
{
    public static class ApicAccessExit
    {
        // Exit qualification: bits 11:0 the offset in the page, bits 15:12 the access type.
        public const uint LinearRead = 0, LinearWrite = 1;
        private const ulong EoiOffset = 0xB0;

        public static ExitAction Handle<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            ulong offset = vcpu.ExitQualification & 0xFFF;
            uint type = (uint)(vcpu.ExitQualification >> 12) & 0xF;
            PcPlatform devices = vcpu.Platform.Devices;
            MmioBus mmio = vcpu.Platform.Mmio;
            if (type == LinearWrite && offset == EoiOffset && devices != null && devices.Apic.Mode == LocalApicMode.XApic)
            {
                devices.Apic.Write(EoiOffset, 4, 0);
                vcpu.SkipInstruction();
                return ExitAction.Resume;
            }
            if ((type == LinearRead || type == LinearWrite) && mmio != null)
                return EptExit.EmulateMmio(ref vcpu, mmio, new GuestPhysical(LocalApic.DefaultBase + offset), type == LinearWrite);
            return vcpu.Stop(Messages.WithDecimalAndHex("APIC access of type ", type, " at offset ", offset,
                " of the local APIC page: only the guest's own reads and writes are emulated"));
        }
    }
}
