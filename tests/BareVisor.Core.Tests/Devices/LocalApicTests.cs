// Host test code. The local APIC: IA32_APIC_BASE and the mode transitions, reset values and write
// masks of the xAPIC registers, the x2APIC MSRs and their #GP cases, interrupt acceptance, priority
// (TPR, PPR) and EOI, self IPIs, virtual-wire ExtINT, and the timer in one-shot, periodic and
// TSC-deadline modes with exact timings.
using System;
using System.Collections.Generic;
using BareVisor.Core.Devices;

namespace BareVisor.Core.Tests.Devices
{
    public class LocalApicTests
    {
        private const ulong TscHz = 2_000_000_000;
        private const ulong TscAtZero = 1_000_000;
        private const ulong Millisecond = 1_000_000;

        // Register offsets in the xAPIC page.
        private const int Id = 0x20, Version = 0x30, Tpr = 0x80, Apr = 0x90, Ppr = 0xA0, Eoi = 0xB0, Ldr = 0xD0,
            Dfr = 0xE0, Svr = 0xF0, Isr = 0x100, Tmr = 0x180, Irr = 0x200, Esr = 0x280, IcrLow = 0x300,
            IcrHigh = 0x310, LvtTimer = 0x320, LvtThermal = 0x330, LvtPerformance = 0x340, LvtLint0 = 0x350,
            LvtLint1 = 0x360, LvtError = 0x370, InitialCount = 0x380, CurrentCount = 0x390, DivideConfiguration = 0x3E0;

        private const uint Masked = 0x10000;
        private const uint Periodic = 1u << 17;
        private const uint TscDeadline = 2u << 17;
        private const uint DivideBy1 = 0xB;
        private const ulong X2ApicBase = 0xFEE00D00;
        private const ulong DisabledBase = 0xFEE00100;

        private readonly LocalApic _apic = new LocalApic(TscHz, TscAtZero);
        private readonly EoiRecorder _eois = new EoiRecorder();

        public LocalApicTests() => _apic.EoiListener = _eois;

        private uint Read(int offset) => (uint)_apic.Read((ulong)offset, 4);

        private void Write(int offset, uint value) => _apic.Write((ulong)offset, 4, value);

        private void EnableSoftware() => Write(Svr, 0x1FF);

        private void EnterX2Apic() => Assert.True(_apic.TryWriteBaseMsr(X2ApicBase));

        private ulong Msr(uint msr)
        {
            Assert.True(_apic.TryReadMsr(msr, out ulong value));
            return value;
        }

        private bool IrrContains(int vector) => (Read(Irr + 0x10 * (vector >> 5)) & (1u << (vector & 31))) != 0;

        private bool IsrContains(int vector) => (Read(Isr + 0x10 * (vector >> 5)) & (1u << (vector & 31))) != 0;

        private bool TmrContains(int vector) => (Read(Tmr + 0x10 * (vector >> 5)) & (1u << (vector & 31))) != 0;

        private byte Acknowledge()
        {
            Assert.True(_apic.TryAcknowledge(out byte vector));
            return vector;
        }

        // Timer at divide 1 (25 MHz: a count is 40 ns), LVT timer vector 0x30 in the given mode.
        private void StartTimer(uint mode, uint initialCount)
        {
            EnableSoftware();
            Write(DivideConfiguration, DivideBy1);
            Write(LvtTimer, mode | 0x30);
            Write(InitialCount, initialCount);
        }

        private sealed class EoiRecorder : IEoiListener
        {
            public readonly List<byte> Vectors = new List<byte>();

            public void EndOfInterrupt(byte vector) => Vectors.Add(vector);
        }

        // IA32_APIC_BASE and modes.

        [Fact]
        public void ResetBaseMsrIsBspEnabledAtFee00000()
        {
            Assert.Equal(0xFEE00900UL, _apic.BaseMsr);
            Assert.Equal(0xFEE00900UL, LocalApic.ResetBaseMsr);
            Assert.Equal(LocalApicMode.XApic, _apic.Mode);
            Assert.Equal(0xFEE00900UL, Msr(LocalApic.ApicBaseMsr));
        }

        [Fact]
        public void BaseMsrRejectsReservedBits()
        {
            Assert.False(_apic.TryWriteBaseMsr(0xFEE00901));
            Assert.False(_apic.TryWriteBaseMsr(0xFEE00B00));
            Assert.False(_apic.TryWriteBaseMsr(0xFEE00900 | (1UL << 63)));
            Assert.False(_apic.TryWriteBaseMsr(0xFEE00900 | (1UL << 40)));
            Assert.Equal(0xFEE00900UL, _apic.BaseMsr);
        }

        [Fact]
        public void BaseMsrRefusesToMoveTheApic()
        {
            Assert.False(_apic.TryWriteBaseMsr(0xFED00900));
            Assert.False(_apic.TryWriteBaseMsr(0x00000900));
            Assert.Equal(0xFEE00900UL, _apic.BaseMsr);
        }

        [Fact]
        public void BaseMsrBspBitIsReadOnly()
        {
            Assert.True(_apic.TryWriteBaseMsr(0xFEE00800));
            Assert.Equal(0xFEE00900UL, _apic.BaseMsr);
        }

        [Fact]
        public void X2ApicEnableWithoutGlobalEnableFaults()
        {
            Assert.False(_apic.TryWriteBaseMsr(0xFEE00500));
            Assert.Equal(LocalApicMode.XApic, _apic.Mode);
        }

        [Fact]
        public void XApicGoesToX2ApicAndBackOnlyThroughDisabled()
        {
            EnterX2Apic();
            Assert.Equal(LocalApicMode.X2Apic, _apic.Mode);
            Assert.Equal(0xFEE00D00UL, _apic.BaseMsr);
            Assert.True(_apic.TryWriteBaseMsr(X2ApicBase)); // rewriting the same state is allowed
            Assert.False(_apic.TryWriteBaseMsr(0xFEE00900));
            Assert.False(_apic.TryWriteBaseMsr(0xFEE00500));
            Assert.True(_apic.TryWriteBaseMsr(DisabledBase));
            Assert.Equal(LocalApicMode.Disabled, _apic.Mode);
            Assert.False(_apic.TryWriteBaseMsr(X2ApicBase));
            Assert.True(_apic.TryWriteBaseMsr(0xFEE00900));
            Assert.Equal(LocalApicMode.XApic, _apic.Mode);
        }

        [Fact]
        public void BaseMsrWritesGoThroughTheMsrInterfaceToo()
        {
            Assert.True(_apic.TryWriteMsr(LocalApic.ApicBaseMsr, X2ApicBase));
            Assert.Equal(LocalApicMode.X2Apic, _apic.Mode);
            Assert.False(_apic.TryWriteMsr(LocalApic.ApicBaseMsr, 0xFEE00900));
        }

        [Fact]
        public void GlobalDisableResetsEveryRegisterButTheId()
        {
            LocalApic apic = new LocalApic(TscHz, TscAtZero, 5);
            apic.Write(Svr, 4, 0x1FF);
            apic.Write(Tpr, 4, 0x20);
            apic.Write(Ldr, 4, 0x01000000);
            apic.Write(LvtTimer, 4, 0x30);
            apic.Write(InitialCount, 4, 1000);
            apic.Accept(0x40, false);
            Assert.True(apic.TryWriteBaseMsr(DisabledBase));
            Assert.False(apic.HasInterrupt);
            Assert.True(apic.TryWriteBaseMsr(0xFEE00900));
            Assert.Equal(5u << 24, (uint)apic.Read(Id, 4));
            Assert.Equal(0xFFu, (uint)apic.Read(Svr, 4));
            Assert.Equal(0u, (uint)apic.Read(Tpr, 4));
            Assert.Equal(0u, (uint)apic.Read(Ldr, 4));
            Assert.Equal(Masked, (uint)apic.Read(LvtTimer, 4));
            Assert.Equal(0u, (uint)apic.Read(InitialCount, 4));
            Assert.Equal(0u, (uint)apic.Read(Irr + 0x20, 4));
            Assert.False(apic.HasInterrupt);
        }

        [Fact]
        public void DisabledApicReadsAllOnesDropsWritesAndAcceptsNothing()
        {
            Assert.True(_apic.TryWriteBaseMsr(DisabledBase));
            Assert.Equal(ulong.MaxValue, _apic.Read(Version, 4));
            _apic.Write(Svr, 4, 0x1FF);
            _apic.Accept(0x40, false);
            Assert.True(_apic.TryWriteBaseMsr(0xFEE00900));
            Assert.Equal(0xFFu, Read(Svr));
            Assert.False(_apic.HasInterrupt);
            Assert.False(_apic.TryReadMsr(0x803, out _));
        }

        [Fact]
        public void X2ApicModeMmioReadsAllOnesAndDropsWrites()
        {
            EnterX2Apic();
            Assert.Equal(ulong.MaxValue, _apic.Read(Version, 4));
            _apic.Write(Tpr, 4, 0x50);
            Assert.Equal(0UL, Msr(0x808));
        }

        // xAPIC registers.

        [Fact]
        public void ResetRegisterValues()
        {
            Assert.Equal(0u, Read(Id));
            Assert.Equal(0x50014u, Read(Version));
            Assert.Equal(0u, Read(Tpr));
            Assert.Equal(0u, Read(Apr));
            Assert.Equal(0u, Read(Ppr));
            Assert.Equal(0u, Read(Ldr));
            Assert.Equal(0xFFFFFFFFu, Read(Dfr));
            Assert.Equal(0xFFu, Read(Svr));
            Assert.Equal(0u, Read(Esr));
            Assert.Equal(0u, Read(IcrLow));
            Assert.Equal(0u, Read(IcrHigh));
            for (int lvt = LvtTimer; lvt <= LvtError; lvt += 0x10)
                Assert.Equal(Masked, Read(lvt));
            Assert.Equal(0u, Read(InitialCount));
            Assert.Equal(0u, Read(CurrentCount));
            Assert.Equal(0u, Read(DivideConfiguration));
            for (int i = 0; i < 8; i++)
            {
                Assert.Equal(0u, Read(Isr + 0x10 * i));
                Assert.Equal(0u, Read(Tmr + 0x10 * i));
                Assert.Equal(0u, Read(Irr + 0x10 * i));
            }
            Assert.False(_apic.SoftwareEnabled);
            Assert.Equal(LocalApicTimerMode.OneShot, _apic.TimerMode);
        }

        [Fact]
        public void ApicIdFromTheConstructorIsInBits31To24AndReadOnly()
        {
            LocalApic apic = new LocalApic(TscHz, TscAtZero, 3);
            Assert.Equal(3, apic.Id);
            Assert.Equal(0x03000000UL, apic.Read(Id, 4));
            apic.Write(Id, 4, 0x07000000);
            Assert.Equal(0x03000000UL, apic.Read(Id, 4));
        }

        [Fact]
        public void ReadOnlyRegistersIgnoreWrites()
        {
            Write(Version, 0);
            Write(Ppr, 0xFF);
            Write(Apr, 0xFF);
            Write(Isr + 0x20, 0xFFFFFFFF);
            Write(Tmr + 0x20, 0xFFFFFFFF);
            Write(Irr + 0x20, 0xFFFFFFFF);
            Write(CurrentCount, 1234);
            Assert.Equal(0x50014u, Read(Version));
            Assert.Equal(0u, Read(Ppr));
            Assert.Equal(0u, Read(Apr));
            Assert.Equal(0u, Read(Isr + 0x20));
            Assert.Equal(0u, Read(Tmr + 0x20));
            Assert.Equal(0u, Read(Irr + 0x20));
            Assert.Equal(0u, Read(CurrentCount));
            Assert.False(_apic.HasInterrupt);
        }

        [Fact]
        public void ReservedOffsetsReadZero()
        {
            Assert.Equal(0u, Read(0x000));
            Assert.Equal(0u, Read(0x0C0));
            Assert.Equal(0u, Read(0x2F0)); // no CMCI entry: the highest LVT entry is 5
            Assert.Equal(0u, Read(0x3F0)); // SELF IPI exists in x2APIC mode only
            Assert.Equal(0u, Read(0xFF0));
            Assert.Equal(0u, Read(Eoi));
        }

        [Fact]
        public void OnlyAligned32BitAccessesReachRegisters()
        {
            Write(Tpr + 4, 0x50);
            _apic.Write(Tpr, 1, 0x60);
            _apic.Write(Tpr, 8, 0x70);
            Assert.Equal(0u, Read(Tpr));
            Write(Tpr, 0x50);
            Assert.Equal(0UL, _apic.Read(Tpr, 1));
            Assert.Equal(0UL, _apic.Read(Tpr, 8));
            Assert.Equal(0UL, _apic.Read(Tpr + 1, 4));
            Assert.Equal(0x50UL, _apic.Read(Tpr, 4));
        }

        [Fact]
        public void TprKeepsBits7To0()
        {
            Write(Tpr, 0xFFFFFFFF);
            Assert.Equal(0xFFu, Read(Tpr));
        }

        [Fact]
        public void LdrKeepsBits31To24AndDfrReadsOnesBelowTheModel()
        {
            Write(Ldr, 0xFFFFFFFF);
            Assert.Equal(0xFF000000u, Read(Ldr));
            Write(Dfr, 0);
            Assert.Equal(0x0FFFFFFFu, Read(Dfr));
        }

        [Fact]
        public void SvrKeepsVectorEnableAndFocusBits()
        {
            Write(Svr, 0xFFFFFFFF);
            Assert.Equal(0x3FFu, Read(Svr));
            Assert.True(_apic.SoftwareEnabled);
        }

        [Fact]
        public void LvtEntriesKeepTheirWritableBits()
        {
            EnableSoftware();
            Write(LvtTimer, 0xFFFFFFFF);
            Write(LvtThermal, 0xFFFFFFFF);
            Write(LvtPerformance, 0xFFFFFFFF);
            Write(LvtLint0, 0xFFFFFFFF);
            Write(LvtLint1, 0xFFFFFFFF);
            Write(LvtError, 0xFFFFFFFF);
            Assert.Equal(0x700FFu, Read(LvtTimer));
            Assert.Equal(0x107FFu, Read(LvtThermal));
            Assert.Equal(0x107FFu, Read(LvtPerformance));
            Assert.Equal(0x1A7FFu, Read(LvtLint0));
            Assert.Equal(0x1A7FFu, Read(LvtLint1));
            Assert.Equal(0x100FFu, Read(LvtError));
            Write(LvtLint0, 0x700);
            Assert.Equal(0x700u, Read(LvtLint0));
        }

        [Fact]
        public void SoftwareDisabledApicKeepsLvtEntriesMasked()
        {
            Write(LvtTimer, 0x30);
            Assert.Equal(Masked | 0x30, Read(LvtTimer));
        }

        [Fact]
        public void ClearingTheSoftwareEnableMasksEveryLvtEntry()
        {
            EnableSoftware();
            for (int lvt = LvtTimer; lvt <= LvtError; lvt += 0x10)
                Write(lvt, 0x40);
            Write(Svr, 0xFF);
            for (int lvt = LvtTimer; lvt <= LvtError; lvt += 0x10)
                Assert.Equal(Masked | 0x40, Read(lvt));
        }

        [Fact]
        public void DivideConfigurationKeepsBits0_1And3()
        {
            Write(DivideConfiguration, 0xFFFFFFFF);
            Assert.Equal(0xBu, Read(DivideConfiguration));
        }

        [Fact]
        public void IcrReadsBackWithoutDeliveryStatus()
        {
            Write(IcrHigh, 0xFFFFFFFF);
            Assert.Equal(0xFF000000u, Read(IcrHigh));
            Write(IcrLow, 0xFFFFFFFF); // an ExtINT IPI: ignored
            Assert.Equal(0xCCFFFu, Read(IcrLow));
            Assert.Equal(0u, Read(IcrLow) & 0x1000);
        }

        [Fact]
        public void EsrShowsErrorsOnlyAfterAWriteAndAWriteClearsThem()
        {
            EnableSoftware();
            _apic.Accept(5, false);
            Assert.Equal(0u, Read(Esr));
            Write(Esr, 0);
            Assert.Equal(0x40u, Read(Esr));
            Write(Esr, 0);
            Assert.Equal(0u, Read(Esr));
        }

        [Fact]
        public void ErrorLvtRaisesItsVectorOnAnError()
        {
            EnableSoftware();
            Write(LvtError, 0xFE);
            _apic.Accept(3, false);
            Assert.True(IrrContains(0xFE));
            Assert.False(IrrContains(3));
        }

        // x2APIC MSRs.

        [Fact]
        public void X2ApicMsrRange()
        {
            Assert.True(LocalApic.IsX2ApicMsr(0x800));
            Assert.True(LocalApic.IsX2ApicMsr(0x8FF));
            Assert.False(LocalApic.IsX2ApicMsr(0x7FF));
            Assert.False(LocalApic.IsX2ApicMsr(0x900));
            Assert.True(LocalApic.HandlesMsr(0x1B));
            Assert.True(LocalApic.HandlesMsr(0x6E0));
            Assert.True(LocalApic.HandlesMsr(0x830));
            Assert.False(LocalApic.HandlesMsr(0x10));
            Assert.False(_apic.TryReadMsr(0x10, out _));
            Assert.False(_apic.TryWriteMsr(0x10, 0));
        }

        [Fact]
        public void X2ApicMsrsFaultInXApicMode()
        {
            Assert.False(_apic.TryReadMsr(0x803, out _));
            Assert.False(_apic.TryWriteMsr(0x808, 0));
            Assert.False(_apic.TryWriteMsr(0x80B, 0));
        }

        [Fact]
        public void X2ApicIdVersionAndDerivedLdr()
        {
            LocalApic apic = new LocalApic(TscHz, TscAtZero, 0x23);
            Assert.True(apic.TryWriteBaseMsr(X2ApicBase));
            Assert.True(apic.TryReadMsr(0x802, out ulong id));
            Assert.True(apic.TryReadMsr(0x803, out ulong version));
            Assert.True(apic.TryReadMsr(0x80D, out ulong ldr));
            Assert.Equal(0x23UL, id);
            Assert.Equal(0x50014UL, version);
            Assert.Equal(0x20008UL, ldr); // cluster 2, bit 3
        }

        [Fact]
        public void X2ApicReadOnlyRegistersFaultOnWrite()
        {
            EnterX2Apic();
            foreach (uint msr in new uint[] { 0x802, 0x803, 0x80A, 0x80D, 0x810, 0x817, 0x818, 0x820, 0x827, 0x839 })
                Assert.False(_apic.TryWriteMsr(msr, 0));
        }

        [Fact]
        public void X2ApicWriteOnlyRegistersFaultOnRead()
        {
            EnterX2Apic();
            Assert.False(_apic.TryReadMsr(0x80B, out _));
            Assert.False(_apic.TryReadMsr(0x83F, out _));
        }

        [Fact]
        public void X2ApicReservedRegistersFault()
        {
            EnterX2Apic();
            // 0x809 APR, 0x80E DFR and 0x831 ICR high do not exist in x2APIC mode; 0x82F CMCI is not implemented.
            foreach (uint msr in new uint[] { 0x800, 0x801, 0x804, 0x809, 0x80C, 0x80E, 0x829, 0x82F, 0x831, 0x83A, 0x840, 0x8FF })
            {
                Assert.False(_apic.TryReadMsr(msr, out _));
                Assert.False(_apic.TryWriteMsr(msr, 0));
            }
        }

        [Fact]
        public void X2ApicEoiAndEsrWritesMustBeZero()
        {
            EnterX2Apic();
            Assert.False(_apic.TryWriteMsr(0x80B, 1));
            Assert.True(_apic.TryWriteMsr(0x80B, 0));
            Assert.False(_apic.TryWriteMsr(0x828, 1));
            Assert.True(_apic.TryWriteMsr(0x828, 0));
        }

        [Fact]
        public void X2ApicRegistersOtherThanTheIcrFaultOnBits63To32()
        {
            EnterX2Apic();
            Assert.False(_apic.TryWriteMsr(0x808, 1UL << 32));
            Assert.False(_apic.TryWriteMsr(0x838, 1UL << 40));
            Assert.True(_apic.TryWriteMsr(0x808, 0x20));
            Assert.Equal(0x20UL, Msr(0x808));
        }

        [Fact]
        public void X2ApicLdrIsReadOnlyAndThereIsNoDfr()
        {
            EnterX2Apic();
            Assert.False(_apic.TryWriteMsr(0x80D, 0x10000));
            Assert.Equal(1UL, Msr(0x80D));
            Assert.False(_apic.TryReadMsr(0x80E, out _));
        }

        [Fact]
        public void X2ApicIcrIsOne64BitRegister()
        {
            EnterX2Apic();
            Assert.True(_apic.TryWriteMsr(0x80F, 0x1FF));
            Assert.True(_apic.TryWriteMsr(0x830, (7UL << 32) | 0x4031)); // fixed, physical, to APIC 7: nobody
            Assert.Equal((7UL << 32) | 0x4031, Msr(0x830));
            Assert.Equal(1UL, _apic.IgnoredIpiCount);
            Assert.True(_apic.TryWriteMsr(0x830, 0x4032)); // to APIC 0: this one
            Assert.True(IrrContainsX2(0x32));
        }

        private bool IrrContainsX2(int vector) => (Msr((uint)(0x820 + (vector >> 5))) & (1UL << (vector & 31))) != 0;

        [Fact]
        public void X2ApicSelfIpiRequestsTheVector()
        {
            EnterX2Apic();
            Assert.True(_apic.TryWriteMsr(0x80F, 0x1FF));
            Assert.True(_apic.TryWriteMsr(0x83F, 0x45));
            Assert.True(IrrContainsX2(0x45));
            Assert.False(_apic.TryWriteMsr(0x83F, 0x145));
        }

        [Fact]
        public void X2ApicRegistersKeepTheirXApicValuesAcrossTheSwitch()
        {
            EnableSoftware();
            Write(Tpr, 0x30);
            Write(LvtTimer, 0x20040);
            EnterX2Apic();
            Assert.Equal(0x30UL, Msr(0x808));
            Assert.Equal(0x20040UL, Msr(0x832));
            Assert.Equal(0x1FFUL, Msr(0x80F));
        }

        // Interrupt acceptance, priority, EOI.

        [Fact]
        public void AcceptSetsIrrAndTmrForLevel()
        {
            EnableSoftware();
            _apic.Accept(0x31, false);
            _apic.Accept(0x62, true);
            Assert.Equal(1u << 17, Read(Irr + 0x10));
            Assert.True(IrrContains(0x62));
            Assert.False(TmrContains(0x31));
            Assert.True(TmrContains(0x62));
        }

        [Fact]
        public void AcceptRefusesVectorsBelow16WithReceivedIllegalVector()
        {
            EnableSoftware();
            _apic.Accept(15, false);
            Assert.Equal(0u, Read(Irr));
            Assert.False(_apic.HasInterrupt);
            Write(Esr, 0);
            Assert.Equal(0x40u, Read(Esr));
        }

        [Fact]
        public void SoftwareDisabledApicAcceptsNothing()
        {
            _apic.Accept(0x40, false);
            Assert.False(IrrContains(0x40));
            Assert.False(_apic.HasInterrupt);
        }

        [Fact]
        public void RequestsAcceptedBeforeASoftwareDisableAreStillDelivered()
        {
            EnableSoftware();
            _apic.Accept(0x40, false);
            Write(Svr, 0xFF);
            _apic.Accept(0x50, false);
            Assert.Equal(0x40, Acknowledge());
            Assert.False(IrrContains(0x50));
        }

        [Fact]
        public void TprHoldsBackVectorsOfItsClassAndBelow()
        {
            EnableSoftware();
            Write(Tpr, 0x40);
            _apic.Accept(0x45, false);
            Assert.False(_apic.HasInterrupt);
            Assert.False(_apic.TryAcknowledge(out _));
            _apic.Accept(0x50, false);
            Assert.True(_apic.HasInterrupt);
            Assert.Equal(0x50, Acknowledge());
            Assert.False(_apic.HasInterrupt);
            Write(Tpr, 0);
            Assert.False(_apic.HasInterrupt); // 0x45 waits: 0x50 is in service
            Write(Eoi, 0);
            Assert.Equal(0x45, Acknowledge());
        }

        [Fact]
        public void AcknowledgeMovesTheHighestVectorFromIrrToIsr()
        {
            EnableSoftware();
            _apic.Accept(0x41, false);
            _apic.Accept(0x83, false);
            Assert.Equal(0x83, Acknowledge());
            Assert.False(IrrContains(0x83));
            Assert.True(IsrContains(0x83));
            Assert.True(IrrContains(0x41));
            Assert.Equal(0x80u, Read(Ppr));
        }

        [Fact]
        public void OnlyAHigherClassInterruptsAnInServiceVector()
        {
            EnableSoftware();
            _apic.Accept(0x41, false);
            Assert.Equal(0x41, Acknowledge());
            _apic.Accept(0x4F, false);
            Assert.False(_apic.HasInterrupt);
            _apic.Accept(0x51, false);
            Assert.Equal(0x51, Acknowledge());
            Assert.True(IsrContains(0x41));
            Assert.True(IsrContains(0x51));
        }

        [Fact]
        public void PprIsTprOrTheInServiceClass()
        {
            EnableSoftware();
            _apic.Accept(0x21, false);
            Acknowledge();
            Write(Tpr, 0x35);
            Assert.Equal(0x35u, Read(Ppr));
            Write(Tpr, 0x25);
            Assert.Equal(0x25u, Read(Ppr));
            Write(Tpr, 0x15);
            Assert.Equal(0x20u, Read(Ppr));
        }

        [Fact]
        public void AprIsTprOrTheHighestPendingOrInServiceClass()
        {
            EnableSoftware();
            Write(Tpr, 0x35);
            Assert.Equal(0x35u, Read(Apr));
            _apic.Accept(0x61, false);
            Assert.Equal(0x60u, Read(Apr));
        }

        [Fact]
        public void EoiClearsTheHighestInServiceVector()
        {
            EnableSoftware();
            _apic.Accept(0x41, false);
            Acknowledge();
            _apic.Accept(0x91, false);
            Acknowledge();
            Write(Eoi, 0);
            Assert.False(IsrContains(0x91));
            Assert.True(IsrContains(0x41));
            Write(Eoi, 0);
            Assert.False(IsrContains(0x41));
            Assert.Equal(0u, Read(Ppr));
            Write(Eoi, 0); // nothing in service: no effect
            Assert.Empty(_eois.Vectors);
        }

        [Fact]
        public void EoiOfALevelTriggeredVectorIsBroadcast()
        {
            EnableSoftware();
            _apic.Accept(0x51, false);
            Acknowledge();
            _apic.Accept(0x61, true);
            Acknowledge();
            Write(Eoi, 0);
            Assert.Equal(new byte[] { 0x61 }, _eois.Vectors.ToArray());
            Write(Eoi, 0);
            Assert.Equal(new byte[] { 0x61 }, _eois.Vectors.ToArray());
        }

        [Fact]
        public void Cr8IsTprBits7To4()
        {
            Write(Tpr, 0x5A);
            Assert.Equal(5UL, _apic.Cr8);
            _apic.Cr8 = 0x9;
            Assert.Equal(0x90u, Read(Tpr));
            _apic.Cr8 = 0x13;
            Assert.Equal(0x30u, Read(Tpr));
        }

        // IPIs.

        [Fact]
        public void FixedIpiToSelfByShorthandIsAccepted()
        {
            EnableSoftware();
            Write(IcrLow, 0x40050); // self
            Assert.True(IrrContains(0x50));
            Write(IcrLow, 0x80051); // all including self
            Assert.True(IrrContains(0x51));
            Assert.Equal(0UL, _apic.IgnoredIpiCount);
        }

        [Fact]
        public void FixedIpiToOwnPhysicalIdOrBroadcastIsAccepted()
        {
            LocalApic apic = new LocalApic(TscHz, TscAtZero, 2);
            apic.Write(Svr, 4, 0x1FF);
            apic.Write(IcrHigh, 4, 0x02000000);
            apic.Write(IcrLow, 4, 0x4060);
            apic.Write(IcrHigh, 4, 0xFF000000);
            apic.Write(IcrLow, 4, 0x4061);
            Assert.Equal(0x3UL, apic.Read(Irr + 0x30, 4));
            Assert.Equal(0UL, apic.IgnoredIpiCount);
        }

        [Fact]
        public void IpisThatReachNoCpuAreCountedAndDropped()
        {
            EnableSoftware();
            Write(IcrLow, 0xC0050);             // all excluding self
            Write(IcrHigh, 0x01000000);
            Write(IcrLow, 0x4051);              // fixed to APIC 1
            Write(IcrLow, 0x44500);             // INIT to self
            Write(IcrLow, 0x4608);              // SIPI to APIC 1
            Write(IcrLow, 0x40400);             // NMI to self
            Assert.Equal(5UL, _apic.IgnoredIpiCount);
            Assert.Equal((0x01000000UL << 32) | 0x40400, _apic.LastIgnoredIpi);
            Assert.Equal(0u, Read(Irr + 0x20));
            Assert.False(_apic.HasInterrupt);
        }

        [Fact]
        public void SelfIpiWithAnIllegalVectorSetsSendIllegalVector()
        {
            EnableSoftware();
            Write(IcrLow, 0x40005);
            Assert.Equal(0u, Read(Irr));
            Write(Esr, 0);
            Assert.Equal(0x20u, Read(Esr));
        }

        [Fact]
        public void LevelTriggeredSelfIpiSetsTmr()
        {
            EnableSoftware();
            Write(IcrLow, 0x4C070);
            Assert.True(IrrContains(0x70));
            Assert.True(TmrContains(0x70));
        }

        // Destinations.

        [Fact]
        public void FlatLogicalDestinationMatchesLdrBits()
        {
            Write(Ldr, 0x04000000);
            Assert.True(_apic.MatchesDestination(0x04, true));
            Assert.True(_apic.MatchesDestination(0x0C, true));
            Assert.False(_apic.MatchesDestination(0x03, true));
            Assert.True(_apic.MatchesDestination(0xFF, true));
            Assert.True(_apic.MatchesDestination(0x00, false));
            Assert.False(_apic.MatchesDestination(0x04, false));
        }

        [Fact]
        public void ClusterLogicalDestinationMatchesClusterAndMember()
        {
            Write(Dfr, 0x0FFFFFFF);
            Write(Ldr, 0x32000000); // cluster 3, member bit 1
            Assert.True(_apic.MatchesDestination(0x32, true));
            Assert.True(_apic.MatchesDestination(0x36, true));
            Assert.False(_apic.MatchesDestination(0x22, true));
            Assert.False(_apic.MatchesDestination(0x31, true));
        }

        [Fact]
        public void X2ApicDestinationsAre32Bits()
        {
            LocalApic apic = new LocalApic(TscHz, TscAtZero, 0x12);
            Assert.True(apic.TryWriteBaseMsr(X2ApicBase));
            Assert.True(apic.MatchesDestination(0x12, false));
            Assert.False(apic.MatchesDestination(0x112, false));
            Assert.True(apic.MatchesDestination(0xFFFFFFFF, false));
            Assert.True(apic.MatchesDestination(0x10004, true));   // cluster 1, bit 2
            Assert.False(apic.MatchesDestination(0x00004, true));
            Assert.False(apic.MatchesDestination(0x10001, true));
        }

        [Fact]
        public void DisabledApicMatchesNoDestination()
        {
            Assert.True(_apic.TryWriteBaseMsr(DisabledBase));
            Assert.False(_apic.MatchesDestination(0, false));
            Assert.False(_apic.MatchesDestination(0xFF, false));
        }

        // LINT0 and the 8259.

        [Fact]
        public void ExtIntPassesWhileSoftwareDisabledOrInVirtualWireMode()
        {
            Assert.True(_apic.AcceptsExtInt);
            EnableSoftware();
            Assert.False(_apic.AcceptsExtInt);        // LINT0 masked
            Write(LvtLint0, 0x700);
            Assert.True(_apic.AcceptsExtInt);         // ExtINT, unmasked
            Write(LvtLint0, 0x10700);
            Assert.False(_apic.AcceptsExtInt);
            Write(LvtLint0, 0x030);
            Assert.False(_apic.AcceptsExtInt);        // fixed delivery
            Assert.True(_apic.TryWriteBaseMsr(DisabledBase));
            Assert.True(_apic.AcceptsExtInt);
        }

        // Timer: one-shot and periodic.

        [Fact]
        public void OneShot25000CountsAtDivide1FireAfterOneMillisecond()
        {
            StartTimer(0, 25_000);
            Assert.Equal(Millisecond, _apic.NextEventNanoseconds);
            _apic.Advance(Millisecond - 1);
            Assert.False(_apic.HasInterrupt);
            Assert.Equal(1u, Read(CurrentCount));
            _apic.Advance(1);
            Assert.True(_apic.HasInterrupt);
            Assert.Equal(0x30, Acknowledge());
            Assert.Equal(0u, Read(CurrentCount));
            Assert.Equal(25_000u, Read(InitialCount));
            Assert.Equal(ulong.MaxValue, _apic.NextEventNanoseconds);
            _apic.Advance(10 * Millisecond);
            Assert.False(_apic.HasInterrupt);
        }

        [Fact]
        public void CurrentCountDecreasesWithTime()
        {
            StartTimer(0, 25_000);
            Assert.Equal(25_000u, Read(CurrentCount));
            _apic.Advance(400_000);
            Assert.Equal(15_000u, Read(CurrentCount));
            _apic.Advance(39);
            Assert.Equal(15_000u, Read(CurrentCount));
            _apic.Advance(1);
            Assert.Equal(14_999u, Read(CurrentCount));
        }

        [Theory]
        [InlineData(0x0u, 2UL)]
        [InlineData(0x1u, 4UL)]
        [InlineData(0x2u, 8UL)]
        [InlineData(0x3u, 16UL)]
        [InlineData(0x8u, 32UL)]
        [InlineData(0x9u, 64UL)]
        [InlineData(0xAu, 128UL)]
        [InlineData(0xBu, 1UL)]
        public void DivideConfigurationSetsTheCountRate(uint configuration, ulong divisor)
        {
            EnableSoftware();
            Write(DivideConfiguration, configuration);
            Write(LvtTimer, 0x30);
            Write(InitialCount, 1000);
            ulong nanoseconds = 1000 * divisor * 40;
            Assert.Equal(nanoseconds, _apic.NextEventNanoseconds);
            _apic.Advance(nanoseconds - 1);
            Assert.False(_apic.HasInterrupt);
            _apic.Advance(1);
            Assert.True(_apic.HasInterrupt);
        }

        [Fact]
        public void PeriodicTimerReloadsFromTheInitialCount()
        {
            StartTimer(Periodic, 25_000);
            _apic.Advance(Millisecond);
            Assert.Equal(0x30, Acknowledge());
            Write(Eoi, 0);
            Assert.Equal(25_000u, Read(CurrentCount));
            Assert.Equal(Millisecond, _apic.NextEventNanoseconds);
            _apic.Advance(Millisecond / 4);
            Assert.Equal(18_750u, Read(CurrentCount));
            Assert.Equal(Millisecond * 3 / 4, _apic.NextEventNanoseconds);
            _apic.Advance(Millisecond * 3 / 4 - 1);
            Assert.False(_apic.HasInterrupt);
            _apic.Advance(1);
            Assert.Equal(0x30, Acknowledge());
        }

        [Fact]
        public void PeriodicExpiriesInOneAdvanceMergeIntoOneRequest()
        {
            StartTimer(Periodic, 25_000);
            _apic.Advance(5 * Millisecond + Millisecond / 2);
            Assert.Equal(0x30, Acknowledge());
            Assert.False(_apic.HasInterrupt);
            Assert.Equal(12_500u, Read(CurrentCount));
            Assert.Equal(Millisecond / 2, _apic.NextEventNanoseconds);
        }

        [Fact]
        public void WritingZeroInitialCountStopsTheTimer()
        {
            StartTimer(Periodic, 25_000);
            _apic.Advance(Millisecond / 2);
            Write(InitialCount, 0);
            Assert.Equal(0u, Read(CurrentCount));
            Assert.Equal(ulong.MaxValue, _apic.NextEventNanoseconds);
            _apic.Advance(10 * Millisecond);
            Assert.False(_apic.HasInterrupt);
        }

        [Fact]
        public void WritingTheInitialCountRestartsTheCount()
        {
            StartTimer(0, 25_000);
            _apic.Advance(Millisecond / 2);
            Write(InitialCount, 25_000);
            Assert.Equal(25_000u, Read(CurrentCount));
            _apic.Advance(Millisecond - 1);
            Assert.False(_apic.HasInterrupt);
            _apic.Advance(1);
            Assert.True(_apic.HasInterrupt);
        }

        [Fact]
        public void MaskedTimerCountsButRaisesNothing()
        {
            StartTimer(Masked, 25_000);
            Assert.Equal(ulong.MaxValue, _apic.NextEventNanoseconds);
            _apic.Advance(Millisecond / 2);
            Assert.Equal(12_500u, Read(CurrentCount));
            _apic.Advance(Millisecond);
            Assert.False(_apic.HasInterrupt);
            Assert.Equal(0u, Read(CurrentCount));
            Write(LvtTimer, 0x30); // unmasking after the expiry raises nothing
            Assert.Equal(ulong.MaxValue, _apic.NextEventNanoseconds);
            Assert.False(_apic.HasInterrupt);
        }

        [Fact]
        public void UnmaskingAPeriodicTimerRaisesTheNextExpiry()
        {
            StartTimer(Masked | Periodic, 25_000);
            _apic.Advance(Millisecond + Millisecond / 4);
            Assert.False(_apic.HasInterrupt);
            Write(LvtTimer, Periodic | 0x30);
            Assert.Equal(Millisecond * 3 / 4, _apic.NextEventNanoseconds);
            _apic.Advance(Millisecond * 3 / 4);
            Assert.True(_apic.HasInterrupt);
        }

        [Fact]
        public void ChangingTheTimerModeDisarmsTheTimer()
        {
            StartTimer(Periodic, 25_000);
            _apic.Advance(Millisecond / 2);
            Write(LvtTimer, 0x30); // one-shot
            Assert.Equal(0u, Read(CurrentCount));
            Assert.Equal(0u, Read(InitialCount));
            _apic.Advance(10 * Millisecond);
            Assert.False(_apic.HasInterrupt);
        }

        [Fact]
        public void ChangingOnlyTheVectorOrMaskKeepsTheTimerRunning()
        {
            StartTimer(Periodic, 25_000);
            _apic.Advance(Millisecond / 2);
            Write(LvtTimer, Periodic | 0x31);
            Assert.Equal(12_500u, Read(CurrentCount));
            _apic.Advance(Millisecond / 2);
            Assert.Equal(0x31, Acknowledge());
        }

        [Fact]
        public void ChangingTheDivisorKeepsTheCurrentCount()
        {
            StartTimer(0, 25_000);
            _apic.Advance(Millisecond / 2);
            Write(DivideConfiguration, 0x0); // divide by 2: 80 ns a count
            Assert.Equal(12_500u, Read(CurrentCount));
            Assert.Equal(Millisecond, _apic.NextEventNanoseconds);
            _apic.Advance(Millisecond);
            Assert.True(_apic.HasInterrupt);
        }

        [Fact]
        public void TimerInterruptIsEdgeTriggered()
        {
            StartTimer(0, 25);
            _apic.Advance(1000);
            Assert.True(IrrContains(0x30));
            Assert.False(TmrContains(0x30));
        }

        // Timer: TSC-deadline mode.

        [Fact]
        public void GuestTscIsDerivedFromDeviceTime()
        {
            Assert.Equal(TscAtZero, _apic.Tsc);
            _apic.Advance(1500);
            Assert.Equal(TscAtZero + 3000, _apic.Tsc);
        }

        [Fact]
        public void GuestTscStaysExactOverHoursOfUptime()
        {
            const ulong hz = 2_899_999_999;
            LocalApic apic = new LocalApic(hz, 123);
            ulong elapsed = 0;
            for (int i = 0; i < 1000; i++)
            {
                apic.Advance(3_600_000_000_001);
                elapsed += 3_600_000_000_001;
            }
            UInt128 expected = 123 + (UInt128)elapsed * hz / 1_000_000_000;
            Assert.Equal((ulong)expected, apic.Tsc);
        }

        [Fact]
        public void TscDeadlineFiresWhenTheTscReachesIt()
        {
            StartTimer(TscDeadline, 0);
            Assert.Equal(LocalApicTimerMode.TscDeadline, _apic.TimerMode);
            ulong deadline = _apic.Tsc + 2_000_000; // 1 ms at 2 GHz
            Assert.True(_apic.TryWriteMsr(LocalApic.TscDeadlineMsr, deadline));
            Assert.Equal(deadline, Msr(LocalApic.TscDeadlineMsr));
            Assert.Equal(Millisecond, _apic.NextEventNanoseconds);
            _apic.Advance(Millisecond - 1);
            Assert.False(_apic.HasInterrupt);
            _apic.Advance(1);
            Assert.Equal(0x30, Acknowledge());
            Assert.Equal(0UL, Msr(LocalApic.TscDeadlineMsr));
            Assert.Equal(ulong.MaxValue, _apic.NextEventNanoseconds);
        }

        [Fact]
        public void TscDeadlineNextEventRoundsUpToTheNanosecondThatReachesIt()
        {
            StartTimer(TscDeadline, 0);
            Assert.True(_apic.TryWriteMsr(LocalApic.TscDeadlineMsr, _apic.Tsc + 3)); // 1.5 ns
            Assert.Equal(2UL, _apic.NextEventNanoseconds);
            _apic.Advance(1);
            Assert.False(_apic.HasInterrupt);
            _apic.Advance(1);
            Assert.True(_apic.HasInterrupt);
        }

        [Fact]
        public void WritingZeroDisarmsTheDeadline()
        {
            StartTimer(TscDeadline, 0);
            Assert.True(_apic.TryWriteMsr(LocalApic.TscDeadlineMsr, _apic.Tsc + 1000));
            Assert.True(_apic.TryWriteMsr(LocalApic.TscDeadlineMsr, 0));
            Assert.Equal(ulong.MaxValue, _apic.NextEventNanoseconds);
            _apic.Advance(Millisecond);
            Assert.False(_apic.HasInterrupt);
        }

        [Fact]
        public void DeadlineInThePastFiresAtTheNextAdvance()
        {
            StartTimer(TscDeadline, 0);
            _apic.Advance(Millisecond);
            Assert.True(_apic.TryWriteMsr(LocalApic.TscDeadlineMsr, TscAtZero));
            Assert.Equal(0UL, _apic.NextEventNanoseconds);
            Assert.False(_apic.HasInterrupt);
            _apic.Advance(0);
            Assert.True(_apic.HasInterrupt);
            Assert.Equal(0UL, Msr(LocalApic.TscDeadlineMsr));
        }

        [Fact]
        public void TscDeadlineModeIgnoresTheInitialCount()
        {
            StartTimer(TscDeadline, 0);
            Write(InitialCount, 25_000);
            Assert.Equal(0u, Read(InitialCount));
            Assert.Equal(0u, Read(CurrentCount));
            Assert.Equal(ulong.MaxValue, _apic.NextEventNanoseconds);
        }

        [Fact]
        public void DeadlineWritesOutsideTscDeadlineModeAreIgnored()
        {
            StartTimer(0, 0);
            Assert.True(_apic.TryWriteMsr(LocalApic.TscDeadlineMsr, _apic.Tsc + 1000));
            Assert.Equal(0UL, Msr(LocalApic.TscDeadlineMsr));
            _apic.Advance(Millisecond);
            Assert.False(_apic.HasInterrupt);
        }

        [Fact]
        public void LeavingTscDeadlineModeDisarmsTheDeadline()
        {
            StartTimer(TscDeadline, 0);
            Assert.True(_apic.TryWriteMsr(LocalApic.TscDeadlineMsr, _apic.Tsc + 1000));
            Write(LvtTimer, 0x30);
            Write(LvtTimer, TscDeadline | 0x30);
            Assert.Equal(0UL, Msr(LocalApic.TscDeadlineMsr));
            _apic.Advance(Millisecond);
            Assert.False(_apic.HasInterrupt);
        }

        [Fact]
        public void MaskedDeadlineExpiresWithoutAnInterrupt()
        {
            StartTimer(TscDeadline | Masked, 0);
            Assert.True(_apic.TryWriteMsr(LocalApic.TscDeadlineMsr, _apic.Tsc + 1000));
            Assert.Equal(ulong.MaxValue, _apic.NextEventNanoseconds);
            _apic.Advance(Millisecond);
            Assert.False(_apic.HasInterrupt);
            Assert.Equal(0UL, Msr(LocalApic.TscDeadlineMsr));
        }

        [Fact]
        public void TscDeadlineWorksInX2ApicMode()
        {
            EnterX2Apic();
            Assert.True(_apic.TryWriteMsr(0x80F, 0x1FF));
            Assert.True(_apic.TryWriteMsr(0x832, TscDeadline | 0xEC));
            Assert.True(_apic.TryWriteMsr(LocalApic.TscDeadlineMsr, _apic.Tsc + 2_000));
            _apic.Advance(1000);
            Assert.Equal(0xEC, Acknowledge());
            Assert.True(_apic.TryWriteMsr(0x80B, 0));
            Assert.Equal(0UL, Msr(0x810 + 7));
        }

        [Fact]
        public void X2ApicTimerRegistersAreMsrs()
        {
            EnterX2Apic();
            Assert.True(_apic.TryWriteMsr(0x80F, 0x1FF));
            Assert.True(_apic.TryWriteMsr(0x83E, DivideBy1));
            Assert.True(_apic.TryWriteMsr(0x832, 0x30));
            Assert.True(_apic.TryWriteMsr(0x838, 25_000));
            _apic.Advance(Millisecond / 2);
            Assert.Equal(12_500UL, Msr(0x839));
            Assert.Equal(25_000UL, Msr(0x838));
            Assert.Equal(DivideBy1, (uint)Msr(0x83E));
        }

        [Theory]
        [InlineData(0x320UL, true)]     // LVT timer
        [InlineData(0x380UL, true)]     // initial count
        [InlineData(0x390UL, true)]     // current count
        [InlineData(0x3E0UL, true)]     // divide configuration
        [InlineData(0x0F0UL, true)]     // SVR: the software enable masks the timer
        [InlineData(0x0B0UL, false)]    // EOI
        [InlineData(0x080UL, false)]    // TPR
        [InlineData(0x300UL, false)]    // ICR
        [InlineData(0x1380UL, false)]   // outside the page
        public void OnlyTimerRegistersNeedTheCurrentTime(ulong offset, bool timer)
        {
            Assert.Equal(timer, LocalApic.IsTimerOffset(offset));
            if (offset < LocalApic.WindowSize)
                Assert.Equal(timer, LocalApic.IsTimerMsr(0x800 + (uint)(offset >> 4)));
        }

        [Fact]
        public void TheTscDeadlineAndApicBaseMsrsNeedTheCurrentTime()
        {
            Assert.True(LocalApic.IsTimerMsr(0x6E0));
            Assert.True(LocalApic.IsTimerMsr(0x1B));
            Assert.False(LocalApic.IsTimerMsr(0x10));
        }
    }
}
