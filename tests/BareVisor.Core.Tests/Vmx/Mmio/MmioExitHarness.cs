// Host test code. One vCPU (fake VMCS, MmioTestPlatform with 2 MiB of RAM and a scratch register
// page at 0xFEC00000) on which a test places an instruction and raises an EPT-violation exit
// through ExitDispatcher, as the kernel's run loop does.
using System;
using System.Runtime.InteropServices;
using BareVisor.Core.Devices;
using BareVisor.Core.Memory;
using BareVisor.Core.Tests.Fakes;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Mmio
{
    public sealed unsafe class MmioExitHarness : IDisposable
    {
        public const ulong Window = ScratchRegisterPage.IoApicWindow;
        public const ulong QualificationRead = 1, QualificationWrite = 2, QualificationFetch = 4;
        private const ulong LinearValidAndTranslated = (1 << 7) | (1 << 8);

        public readonly FakeVmcsState State = new FakeVmcsState();
        public readonly ScratchRegisterPage Scratch = new ScratchRegisterPage();
        public Vcpu<FakeVmcs, MmioTestPlatform> Vcpu;
        private GuestRegisters* registers;

        public MmioExitHarness()
        {
            registers = (GuestRegisters*)NativeMemory.AllocZeroed((nuint)sizeof(GuestRegisters));
            MmioTestPlatform platform = new MmioTestPlatform(0x20_0000);
            Assert.True(platform.Bus.TryClaim(new GuestPhysical(Window), ScratchRegisterPage.Size, Scratch));
            Vcpu.Vmcs = new FakeVmcs(State);
            Vcpu.Platform = platform;
            Vcpu.Registers = registers;
            Vcpu.Counters = ExitCounters.Create();
            Vcpu.Reported = new ReportedOnce();
            Protected32();
        }

        public ref GuestRegisters Regs => ref *registers;

        public MmioTestPlatform Platform => Vcpu.Platform;

        public ulong Rsp => State.Get((uint)VmcsFieldNatural.GuestRsp);

        public void Protected32()
        {
            Set(VmcsFieldNatural.GuestCr0, 0x11);
            Set(VmcsFieldNatural.GuestCr4, 0);
            Set(VmcsField64.GuestIa32Efer, 0);
            Set(VmcsField32.GuestCsAccessRights, 0xC09B);
            Set(VmcsFieldNatural.GuestCsBase, 0);
            Set(VmcsFieldNatural.GuestRflags, 2);
        }

        public void Long64(ulong cr3)
        {
            Set(VmcsFieldNatural.GuestCr0, 0x8000_0011);
            Set(VmcsFieldNatural.GuestCr3, cr3);
            Set(VmcsFieldNatural.GuestCr4, 1 << 5);
            Set(VmcsField64.GuestIa32Efer, 0x500);
            Set(VmcsField32.GuestCsAccessRights, 0xA09B);
        }

        public void Real(ulong csBase)
        {
            Set(VmcsFieldNatural.GuestCr0, 0x10);
            Set(VmcsField32.GuestCsAccessRights, 0x9B);
            Set(VmcsFieldNatural.GuestCsBase, csBase);
        }

        public void Set(VmcsFieldNatural field, ulong value) => State.Set((uint)field, value);

        public void Set(VmcsField64 field, ulong value) => State.Set((uint)field, value);

        public void Set(VmcsField32 field, ulong value) => State.Set((uint)field, value);

        /// <summary>Places `code` at guest-physical `codeAddress` and exits as the CPU would for an access to `address`.</summary>
        public ExitAction Exit(ulong rip, ulong codeAddress, ulong address, ulong qualification, params byte[] code)
        {
            Platform.Place(codeAddress, code);
            return ExitAt(rip, address, qualification);
        }

        /// <summary>translated = false: the access was the guest's own page-table walk (bit 7 set, bit 8 clear).</summary>
        public ExitAction ExitAt(ulong rip, ulong address, ulong qualification, bool translated = true)
        {
            Regs.Rip = rip;
            Regs.ExitQualification = qualification | (translated ? LinearValidAndTranslated : 1 << 7);
            State.Set((uint)VmcsField64.GuestPhysicalAddress, address);
            return ExitDispatcher.Dispatch(ref Vcpu, (ushort)ExitReason.EptViolation);
        }

        public void Dispose()
        {
            NativeMemory.Free(registers);
            registers = null;
        }
    }
}
