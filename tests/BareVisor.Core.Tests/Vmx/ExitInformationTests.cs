// Host test code. Decoders of exit qualifications, the exit-reason field and interruption information.
using BareVisor.Core.Vmx;

namespace BareVisor.Core.Tests.Vmx
{
    public class ExitInformationTests
    {
        [Fact]
        public void IoQualificationOfOutDxAl()
        {
            // OUT DX, AL with DX = 3F8H: size 1 (0), out, not string, port in DX.
            IoExitQualification q = new IoExitQualification(0x03F8_0000);
            Assert.Equal(1, q.Size);
            Assert.False(q.IsIn);
            Assert.False(q.IsString);
            Assert.False(q.IsRep);
            Assert.False(q.OperandIsImmediate);
            Assert.Equal(0x3F8, q.Port);
        }

        [Fact]
        public void IoQualificationOfRepInsd()
        {
            // REP INSD (port in DX): size 4 (encoding 3), in, string, rep.
            IoExitQualification q = new IoExitQualification(0x01F0_0000 | 3 | 8 | 0x10 | 0x20);
            Assert.Equal(4, q.Size);
            Assert.True(q.IsIn && q.IsString && q.IsRep);
            Assert.Equal(0x1F0, q.Port);
            Assert.Equal(2, new IoExitQualification(1).Size);
            Assert.True(new IoExitQualification(0x40).OperandIsImmediate);
        }

        [Fact]
        public void CrAccessQualifications()
        {
            CrAccessQualification movToCr3 = new CrAccessQualification(0x0000_0303);   // MOV CR3, RBX
            Assert.Equal(3, movToCr3.ControlRegister);
            Assert.Equal(CrAccessType.MovToCr, movToCr3.AccessType);
            Assert.Equal(3, movToCr3.GeneralRegister);
            CrAccessQualification movFromCr8 = new CrAccessQualification(0x0000_0F18); // MOV R15, CR8
            Assert.Equal(8, movFromCr8.ControlRegister);
            Assert.Equal(CrAccessType.MovFromCr, movFromCr8.AccessType);
            Assert.Equal(15, movFromCr8.GeneralRegister);
            Assert.Equal(CrAccessType.Clts, new CrAccessQualification(0x20).AccessType);
            CrAccessQualification lmsw = new CrAccessQualification(0x000B_0070);        // LMSW from memory, data 0xB
            Assert.Equal(CrAccessType.Lmsw, lmsw.AccessType);
            Assert.True(lmsw.LmswOperandIsMemory);
            Assert.Equal(0xBu, lmsw.LmswSourceData);
        }

        [Fact]
        public void EptViolationQualification()
        {
            // Write to a read-only page through a translated linear address.
            EptViolationQualification q = new EptViolationQualification(0x2 | 0x8 | 0x20 | 0x80 | 0x100);
            Assert.False(q.Read);
            Assert.True(q.Write);
            Assert.False(q.Execute);
            Assert.True(q.Readable);
            Assert.False(q.Writable);
            Assert.True(q.Executable);
            Assert.False(q.UserModeExecutable);
            Assert.True(q.GuestLinearAddressValid);
            Assert.True(q.TranslatedAccess);
            Assert.False(q.NmiUnblockingDueToIret);
            EptViolationQualification all = new EptViolationQualification(0x3FFF);
            Assert.True(all.Read && all.Execute && all.Writable && all.UserModeExecutable);
            Assert.True(all.UserModeLinearAddress && all.ReadWriteLinearAddress && all.ExecuteDisableLinearAddress);
            Assert.True(all.NmiUnblockingDueToIret && all.ShadowStackAccess);
        }

        [Fact]
        public void ExitReasonField()
        {
            ExitReasonField cpuid = new ExitReasonField(10);
            Assert.Equal(ExitReason.Cpuid, cpuid.BasicReason);
            Assert.False(cpuid.EntryFailure);
            ExitReasonField failed = new ExitReasonField(0x8000_0022);
            Assert.Equal(ExitReason.VmEntryFailureMsrLoading, failed.BasicReason);
            Assert.True(failed.EntryFailure);
            ExitReasonField flags = new ExitReasonField((1u << 27) | (1u << 28) | (1u << 29) | 37);
            Assert.True(flags.EnclaveMode && flags.PendingMtfExit && flags.FromVmxRootOperation);
            Assert.Equal(ExitReason.MonitorTrapFlag, flags.BasicReason);
        }

        [Fact]
        public void InterruptionInformationDecodes()
        {
            // #PF from the exit interruption information: vector 14, hardware exception, error code, valid.
            InterruptionInformation pf = new InterruptionInformation(0x8000_0B0E);
            Assert.Equal(14, pf.Vector);
            Assert.Equal(InterruptionType.HardwareException, pf.Type);
            Assert.True(pf.ErrorCodeValid);
            Assert.True(pf.Valid);
            Assert.False(pf.NmiUnblockingDueToIret);
            Assert.True(new InterruptionInformation(InterruptionInformation.NmiUnblockingBit).NmiUnblockingDueToIret);
            Assert.False(new InterruptionInformation(0x0B0E).Valid);
        }

        [Fact]
        public void InjectionBuilders()
        {
            Assert.Equal(0x8000_0B0Du, InterruptionInformation.HardwareException(ExceptionVectors.GeneralProtection).Value);
            Assert.Equal(0x8000_030Du, InterruptionInformation.HardwareException(ExceptionVectors.GeneralProtection, protectedMode: false).Value);
            Assert.Equal(0x8000_0306u, InterruptionInformation.HardwareException(ExceptionVectors.InvalidOpcode).Value);
            Assert.Equal(0x8000_0020u, InterruptionInformation.ExternalInterrupt(0x20).Value);
            Assert.Equal(0x8000_0202u, InterruptionInformation.Nmi().Value);
            Assert.Equal(0x8000_0480u, InterruptionInformation.SoftwareInterrupt(0x80).Value);
            Assert.Equal(0x8000_0603u, InterruptionInformation.SoftwareException(ExceptionVectors.Breakpoint).Value);
            Assert.Equal(0x8000_0701u, InterruptionInformation.Create(1, InterruptionType.OtherEvent, false).Value);
        }

        [Fact]
        public void ExceptionsThatPushAnErrorCode()
        {
            int[] withErrorCode = { 8, 10, 11, 12, 13, 14, 17, 21 };
            for (int vector = 0; vector < 256; vector++)
                Assert.Equal(System.Array.IndexOf(withErrorCode, vector) >= 0, ExceptionVectors.PushesErrorCode((byte)vector));
        }
    }
}
