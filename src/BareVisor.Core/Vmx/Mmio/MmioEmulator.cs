// Emulates the guest instruction behind an EPT violation in a claimed MMIO range: fetch it from
// CS:RIP, decode it (MmioDecoder), perform the access on the device, update the register, move
// RIP past it. Register updates follow the CPU: 8- and 16-bit destinations merge into the
// register, 32-bit ones zero-extend to 64 bits (as KVM does outside 64-bit code too, where the
// upper half is architecturally undefined), MOVZX/MOVSX widen. What cannot be emulated stops the
// guest with the bytes at RIP. VMX root, interrupts off; allocates only the stop message.
using System;
using BareVisor.Core.Devices;
using BareVisor.Core.Memory;
using BareVisor.Core.Text;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Vmx.Mmio
{
    public static class MmioEmulator
    {
        private const uint BlockingBySti = 1, BlockingByMovSs = 2;

        // write: what the exit says the faulting access was; the decoded instruction must agree.
        public static ExitAction Emulate<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, MmioBus bus, GuestPhysical address, bool write)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            Span<byte> bytes = stackalloc byte[MmioDecoder.MaxInstructionLength];
            MmioInstruction instruction = FetchAndDecode(ref vcpu, bytes, out CodeSize mode, out int count);
            ReadOnlySpan<byte> fetched = bytes.Slice(0, count);
            if (!instruction.Valid)
                return CannotEmulate(ref vcpu, address, fetched, MmioInstruction.Describe(instruction.Error));
            if (instruction.IsWrite != write)
                return CannotEmulate(ref vcpu, address, fetched, "its direction differs from the VM exit's");
            if (!Perform(ref vcpu, bus, address, instruction))
                return vcpu.Stop(Messages.WithDecimalAndHex("MMIO access of ", (ulong)instruction.Size, " bytes at guest-physical ",
                    address.Value, " runs past the end of its device's range"));
            vcpu.Rip = Advance(vcpu.Rip, instruction.Length, mode);
            EndInterruptShadow(ref vcpu.Vmcs);
            return ExitAction.Resume;
        }

        // Each VMCS field is read once: CR0 and EFER serve both the code size and the page walk.
        private static MmioInstruction FetchAndDecode<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, Span<byte> bytes, out CodeSize mode, out int count)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            ulong cr0 = vcpu.Vmcs.Read(VmcsFieldNatural.GuestCr0), efer = vcpu.Vmcs.Read(VmcsField64.GuestIa32Efer);
            mode = MmioDecoder.ModeOf(cr0, vcpu.Rflags, efer, vcpu.Vmcs.Read(VmcsField32.GuestCsAccessRights));
            GuestPagingState paging = GuestPagingState.From(ref vcpu.Vmcs, cr0, efer);
            count = GuestInstructionFetch.Fetch(ref vcpu, mode, paging, bytes);
            return MmioDecoder.Decode(bytes.Slice(0, count), mode);
        }

        private static bool Perform<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, MmioBus bus, GuestPhysical address, in MmioInstruction instruction)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            if (instruction.Kind == MmioAccessKind.WriteImmediate)
                return bus.TryWrite(address, instruction.Size, instruction.Immediate);
            ulong register = vcpu.ReadGpr(instruction.Register);
            if (instruction.Kind == MmioAccessKind.WriteFromRegister)
                return bus.TryWrite(address, instruction.Size, instruction.HighByteRegister ? register >> 8 : register);
            if (!bus.TryRead(address, instruction.Size, out ulong value))
                return false;
            vcpu.WriteGpr(instruction.Register, Merge(register, Widen(value, instruction), instruction));
            return true;
        }

        /// <summary>A MOVSX source sign-extended to 64 bits; other values as read (already zero-extended).</summary>
        public static ulong Widen(ulong value, in MmioInstruction instruction)
        {
            if (instruction.Extension != MmioExtension.Sign)
                return value;
            int shift = 64 - 8 * instruction.Size;
            return (ulong)((long)(value << shift) >> shift);
        }

        /// <summary>The register after a load of `value` into its RegisterSize-byte (or high-byte) part.</summary>
        public static ulong Merge(ulong register, ulong value, in MmioInstruction instruction)
        {
            if (instruction.HighByteRegister)
                return (register & ~0xFF00UL) | ((value & 0xFF) << 8);
            return instruction.RegisterSize switch
            {
                1 => (register & ~0xFFUL) | (value & 0xFF),
                2 => (register & ~0xFFFFUL) | (value & 0xFFFF),
                4 => value & 0xFFFF_FFFF,
                _ => value,
            };
        }

        /// <summary>RIP after an instruction of `length` bytes: IP wraps at 64 KiB in 16-bit code, EIP at 4 GiB.</summary>
        public static ulong Advance(ulong rip, int length, CodeSize mode)
        {
            ulong next = rip + (ulong)length;
            return mode switch
            {
                CodeSize.Bits16 => next & 0xFFFF,
                CodeSize.Bits32 => next & 0xFFFF_FFFF,
                _ => next,
            };
        }

        // The emulated instruction completed, so a shadow left by STI or MOV SS before it has ended.
        private static void EndInterruptShadow<TVmcs>(ref TVmcs vmcs) where TVmcs : struct, IVmcs
        {
            uint state = vmcs.Read(VmcsField32.GuestInterruptibilityState);
            if ((state & (BlockingBySti | BlockingByMovSs)) != 0)
                vmcs.Write(VmcsField32.GuestInterruptibilityState, state & ~(BlockingBySti | BlockingByMovSs));
        }

        private static ExitAction CannotEmulate<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, GuestPhysical address, ReadOnlySpan<byte> bytes, string why)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            TextBuffer text = new TextBuffer(stackalloc char[256]);
            text.Append("MMIO access at guest-physical ");
            text.AppendHexPrefixed(address.Value, 1);
            text.Append(" by an instruction BareVisor cannot emulate (bytes");
            if (bytes.IsEmpty)
                text.Append(" unreadable");
            for (int i = 0; i < bytes.Length; i++)
            {
                text.Append(' ');
                text.AppendHex(bytes[i], 2);
            }
            text.Append("): ");
            text.Append(why);
            return vcpu.Stop(text.ToString());
        }
    }
}
