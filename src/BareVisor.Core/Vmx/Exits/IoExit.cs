// I/O instruction exits (IN, OUT, INS, OUTS, with REP), decoded from the exit qualification and
// sent to the guest's port devices. String I/O is supported while guest paging is off (the
// linear address is then the guest-physical one). Hot path for IN/OUT: no allocation.
using System;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Vmx.Exits
{
    public static class IoExit
    {
        private const ulong Cr0Pg = 1UL << 31;
        private const ulong RflagsDf = 1UL << 10;

        public static ExitAction Handle<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            IoExitQualification q = new IoExitQualification(vcpu.ExitQualification);
            if (q.IsString)
                return HandleString(ref vcpu, q);
            ref GuestRegisters regs = ref vcpu.Regs;
            ulong mask = SizeMask(q.Size);
            if (q.IsIn)
            {
                // IN EAX writes a 32-bit register, which clears RAX[63:32] (SDM Vol. 1, 3.4.1.1);
                // IN AL and IN AX leave the rest of RAX alone.
                ulong kept = q.Size == 4 ? 0 : regs.Rax & ~mask;
                regs.Rax = kept | (vcpu.Platform.PortRead(q.Port, q.Size) & mask);
            }
            else
                vcpu.Platform.PortWrite(q.Port, q.Size, (uint)(regs.Rax & mask));
            vcpu.SkipInstruction();
            return ExitAction.Resume;
        }

        private static ExitAction HandleString<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, IoExitQualification q)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            if ((vcpu.Vmcs.Read(VmcsFieldNatural.GuestCr0) & Cr0Pg) != 0)
                return vcpu.Stop("string I/O (INS/OUTS) with guest paging enabled is not supported yet");
            ref GuestRegisters regs = ref vcpu.Regs;
            ulong addressMask = AddressMask(vcpu.Vmcs.Read(VmcsField32.VmExitInstructionInformation));
            ulong count = q.IsRep ? regs.Rcx & addressMask : 1;
            long step = (vcpu.Rflags & RflagsDf) != 0 ? -q.Size : q.Size;
            ulong address = vcpu.Vmcs.Read(VmcsFieldNatural.GuestLinearAddress);
            Span<byte> buffer = stackalloc byte[4];
            for (ulong i = 0; i < count; i++, address = (ulong)((long)address + step))
            {
                if (!TransferOne(ref vcpu, q, new GuestPhysical(address), buffer.Slice(0, q.Size)))
                    return vcpu.Stop("string I/O touched guest-physical memory outside RAM");
            }
            ulong advanced = (ulong)((long)count * step);
            if (q.IsIn)
                regs.Rdi = (regs.Rdi & ~addressMask) | ((regs.Rdi + advanced) & addressMask);
            else
                regs.Rsi = (regs.Rsi & ~addressMask) | ((regs.Rsi + advanced) & addressMask);
            if (q.IsRep)
                regs.Rcx &= ~addressMask;
            vcpu.SkipInstruction();
            return ExitAction.Resume;
        }

        private static bool TransferOne<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, IoExitQualification q, GuestPhysical address, Span<byte> data)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            if (q.IsIn)
            {
                uint value = vcpu.Platform.PortRead(q.Port, q.Size);
                for (int b = 0; b < data.Length; b++)
                    data[b] = (byte)(value >> (8 * b));
                return vcpu.Platform.TryWriteGuestMemory(address, data);
            }
            if (!vcpu.Platform.TryReadGuestMemory(address, data))
                return false;
            uint outValue = 0;
            for (int b = 0; b < data.Length; b++)
                outValue |= (uint)data[b] << (8 * b);
            vcpu.Platform.PortWrite(q.Port, q.Size, outValue);
            return true;
        }

        private static ulong SizeMask(int size) => size == 1 ? 0xFFUL : size == 2 ? 0xFFFFUL : 0xFFFFFFFFUL;

        // VM-exit instruction information bits 9:7: address size 0 = 16, 1 = 32, 2 = 64 bits.
        private static ulong AddressMask(ulong information) => ((information >> 7) & 7) switch
        {
            0 => 0xFFFFUL,
            1 => 0xFFFFFFFFUL,
            _ => ulong.MaxValue,
        };
    }
}
