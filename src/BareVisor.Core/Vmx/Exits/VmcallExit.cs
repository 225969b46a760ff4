// VMCALL: BareVisor's hypercall ABI. RAX selects the function, RBX and RCX carry arguments, RAX
// returns 0 or HypercallError. Only CPL 0 may call; other callers get #UD, like a CPU without
// hypercalls would give them.
//   0 Version      -> RBX = 0x00010000 (1.0), RCX = Features
//   1 ConsoleWrite    RBX = guest-physical address, RCX = length (<= 4096)
//   2 PowerOff        RBX = exit status; the guest stops
//   3 Reboot          the guest restarts from its initial state (at most MaxReboots times)
using System;
using BareVisor.Core.Memory;
using BareVisor.Core.Text;

namespace BareVisor.Core.Vmx.Exits
{
    public static class VmcallExit
    {
        public const ulong Version = 0, ConsoleWrite = 1, PowerOff = 2, Reboot = 3;
        public const uint Features = 0x7;   // bit 0 console write, bit 1 power off, bit 2 reboot
        public const ulong HypercallError = ulong.MaxValue;
        public const int MaxConsoleWrite = 4096;
        public const int MaxReboots = 3;

        public static ExitAction Handle<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            if (GuestCpl(ref vcpu) != 0)
                return vcpu.InjectException(ExceptionVectors.InvalidOpcode);
            ref GuestRegisters regs = ref vcpu.Regs;
            vcpu.SkipInstruction();
            switch (regs.Rax)
            {
                case Version:
                    regs.Rax = 0;
                    regs.Rbx = CpuidPolicy.HypercallVersion;
                    regs.Rcx = Features;
                    return ExitAction.Resume;
                case ConsoleWrite:
                    regs.Rax = WriteConsole(ref vcpu, regs.Rbx, regs.Rcx) ? 0 : HypercallError;
                    return ExitAction.Resume;
                case PowerOff:
                    return vcpu.Stop(Messages.WithDecimal("powered off with status ", regs.Rbx, ""));
                case Reboot:
                    vcpu.RebootRequested = true;
                    return vcpu.Stop("reboot requested");
                default:
                    regs.Rax = HypercallError;
                    return ExitAction.Resume;
            }
        }

        private static bool WriteConsole<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, ulong address, ulong length)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            if (length > MaxConsoleWrite)
                return false;
            Span<byte> text = stackalloc byte[(int)length];
            if (!vcpu.Platform.TryReadGuestMemory(new GuestPhysical(address), text))
                return false;
            vcpu.Platform.GuestOutput(text);
            return true;
        }

        // CPL is SS.DPL (access rights bits 6:5); real mode is CPL 0.
        private static int GuestCpl<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            if ((vcpu.Vmcs.Read(VmcsFieldNatural.GuestCr0) & 1) == 0)
                return 0;
            return (int)((vcpu.Vmcs.Read(VmcsField32.GuestSsAccessRights) >> 5) & 3);
        }
    }
}
