// Host test code. The I/O APIC: reset values and register masks, edge- and level-triggered
// inputs, Remote IRR and re-delivery after an EOI (the local APIC's broadcast and the EOI
// register), masking, destinations, and unsupported delivery modes.
using BareVisor.Core.Devices;

namespace BareVisor.Core.Tests.Devices
{
    public class IoApicTests
    {
        private const ulong Level = 1UL << 15;
        private const ulong Masked = 1UL << 16;
        private const ulong RemoteIrr = 1UL << 14;
        private const ulong Logical = 1UL << 11;
        private const int LapicEoi = 0xB0;

        private readonly LocalApic _apic = new LocalApic(2_000_000_000, 0);
        private readonly IoApic _ioApic;

        public IoApicTests()
        {
            _ioApic = new IoApic(_apic);
            _apic.Write(0xF0, 4, 0x1FF); // software-enable the local APIC
        }

        private uint ReadRegister(uint register)
        {
            _ioApic.Write(IoApic.RegisterSelect, 4, register);
            return (uint)_ioApic.Read(IoApic.RegisterWindow, 4);
        }

        private void WriteRegister(uint register, uint value)
        {
            _ioApic.Write(IoApic.RegisterSelect, 4, register);
            _ioApic.Write(IoApic.RegisterWindow, 4, value);
        }

        // As Linux does: the high half (destination) first, then the low half.
        private void Program(int pin, ulong entry)
        {
            WriteRegister((uint)(0x11 + 2 * pin), (uint)(entry >> 32));
            WriteRegister((uint)(0x10 + 2 * pin), (uint)entry);
        }

        private ulong Entry(int pin) => ReadRegister((uint)(0x10 + 2 * pin)) | ((ulong)ReadRegister((uint)(0x11 + 2 * pin)) << 32);

        private bool Requested(int vector) => (_apic.Read((ulong)(0x200 + 0x10 * (vector >> 5)), 4) & (1UL << (vector & 31))) != 0;

        private bool LevelTriggeredInApic(int vector) => (_apic.Read((ulong)(0x180 + 0x10 * (vector >> 5)), 4) & (1UL << (vector & 31))) != 0;

        private byte Acknowledge()
        {
            Assert.True(_apic.TryAcknowledge(out byte vector));
            return vector;
        }

        private void LapicEndOfInterrupt() => _apic.Write(LapicEoi, 4, 0);

        [Fact]
        public void ResetEntriesAreMaskedAndOtherwiseZero()
        {
            for (int pin = 0; pin < IoApic.PinCount; pin++)
                Assert.Equal(Masked, Entry(pin));
        }

        [Fact]
        public void VersionRegisterSays24PinsVersion0x20()
        {
            Assert.Equal(0x00170020u, ReadRegister(0x01));
        }

        [Fact]
        public void IdComesFromTheConstructorAndOnlyBits24To27AreWritable()
        {
            IoApic ioApic = new IoApic(_apic, 2);
            ioApic.Write(IoApic.RegisterSelect, 4, 0);
            Assert.Equal(0x02000000UL, ioApic.Read(IoApic.RegisterWindow, 4));
            ioApic.Write(IoApic.RegisterWindow, 4, 0xFFFFFFFF);
            Assert.Equal(0x0F000000UL, ioApic.Read(IoApic.RegisterWindow, 4));
            ioApic.Write(IoApic.RegisterSelect, 4, 2);
            Assert.Equal(0x0F000000UL, ioApic.Read(IoApic.RegisterWindow, 4));
        }

        [Fact]
        public void ReadOnlyAndMissingRegistersIgnoreWrites()
        {
            WriteRegister(0x01, 0);
            WriteRegister(0x02, 0x05000000);
            WriteRegister(0x40, 0x1234);
            Assert.Equal(0x00170020u, ReadRegister(0x01));
            Assert.Equal(0u, ReadRegister(0x02));
            Assert.Equal(0u, ReadRegister(0x40));
            Assert.Equal(0u, ReadRegister(0x03));
        }

        [Fact]
        public void RegisterSelectKeepsEightBits()
        {
            _ioApic.Write(IoApic.RegisterSelect, 4, 0x1234);
            Assert.Equal(0x34UL, _ioApic.Read(IoApic.RegisterSelect, 4));
        }

        [Fact]
        public void OtherOffsetsReadZero()
        {
            Assert.Equal(0UL, _ioApic.Read(0x20, 4));
            Assert.Equal(0UL, _ioApic.Read(0x40, 4));
            Assert.Equal(0UL, _ioApic.Read(0x04, 4));
        }

        [Fact]
        public void RedirectionEntriesKeepTheirWritableBits()
        {
            WriteRegister(0x10, 0xFFFFFFFF);
            WriteRegister(0x11, 0xFFFFFFFF);
            Assert.Equal(0xFF000000_0001AFFFUL, Entry(0)); // no delivery status, no Remote IRR
            Assert.Equal(Entry(0), _ioApic.RedirectionEntry(0));
        }

        [Fact]
        public void PinsAreTheSameObjectsEveryTime()
        {
            Assert.Same(_ioApic.Pin(4), _ioApic.Pin(4));
            Assert.NotSame(_ioApic.Pin(4), _ioApic.Pin(5));
        }

        [Fact]
        public void ConstructorMakesTheIoApicTheLocalApicsEoiListener()
        {
            Assert.Same(_ioApic, _apic.EoiListener);
        }

        [Fact]
        public void EdgePinDeliversOnARisingEdge()
        {
            Program(2, 0x30);
            _ioApic.Pin(2).Set(true);
            Assert.True(_apic.HasInterrupt);
            Assert.False(LevelTriggeredInApic(0x30));
            Assert.Equal(0x30, Acknowledge());
            Assert.Equal(0UL, Entry(2) & RemoteIrr);
        }

        [Fact]
        public void EdgePinHeldHighDeliversOnce()
        {
            Program(2, 0x30);
            _ioApic.Pin(2).Set(true);
            Assert.Equal(0x30, Acknowledge());
            LapicEndOfInterrupt();
            _ioApic.Pin(2).Set(true);
            Assert.False(_apic.HasInterrupt);
            _ioApic.Pin(2).Set(false);
            _ioApic.Pin(2).Set(true);
            Assert.True(_apic.HasInterrupt);
        }

        [Fact]
        public void EdgeWhileMaskedIsLost()
        {
            Program(1, Masked | 0x31);
            _ioApic.Pin(1).Set(true);
            _ioApic.Pin(1).Set(false);
            Program(1, 0x31);
            Assert.False(_apic.HasInterrupt);
            Program(1, Masked | 0x31);
            _ioApic.Pin(1).Set(true);
            Program(1, 0x31); // unmasking with the line high is no edge either
            Assert.False(_apic.HasInterrupt);
            _ioApic.Pin(1).Set(false);
            _ioApic.Pin(1).Set(true);
            Assert.Equal(0x31, Acknowledge());
        }

        [Fact]
        public void LevelPinDeliversAndSetsRemoteIrr()
        {
            Program(9, Level | 0x41);
            _ioApic.Pin(9).Set(true);
            Assert.True(Requested(0x41));
            Assert.True(LevelTriggeredInApic(0x41));
            Assert.Equal(RemoteIrr, Entry(9) & RemoteIrr);
            Assert.Equal(0x41, Acknowledge());
            _ioApic.Pin(9).Set(true);
            Assert.False(_apic.HasInterrupt);
        }

        [Fact]
        public void EoiBroadcastRedeliversALevelStillAsserted()
        {
            Program(9, Level | 0x41);
            _ioApic.Pin(9).Set(true);
            Assert.Equal(0x41, Acknowledge());
            LapicEndOfInterrupt();
            Assert.Equal(RemoteIrr, Entry(9) & RemoteIrr);
            Assert.Equal(0x41, Acknowledge());
        }

        [Fact]
        public void EoiBroadcastAfterTheLineDropsOnlyClearsRemoteIrr()
        {
            Program(9, Level | 0x41);
            _ioApic.Pin(9).Set(true);
            Assert.Equal(0x41, Acknowledge());
            _ioApic.Pin(9).Set(false);
            LapicEndOfInterrupt();
            Assert.Equal(0UL, Entry(9) & RemoteIrr);
            Assert.False(_apic.HasInterrupt);
            _ioApic.Pin(9).Set(true);
            Assert.Equal(0x41, Acknowledge());
        }

        [Fact]
        public void EoiRegisterClearsRemoteIrrOfTheVector()
        {
            Program(9, Level | 0x41);
            Program(10, Level | 0x42);
            _ioApic.Pin(9).Set(true);
            _ioApic.Pin(10).Set(true);
            _ioApic.Pin(9).Set(false);
            _ioApic.Write(IoApic.EoiRegister, 4, 0x41);
            Assert.Equal(0UL, Entry(9) & RemoteIrr);
            Assert.Equal(RemoteIrr, Entry(10) & RemoteIrr);
        }

        [Fact]
        public void EoiOfAnEdgeVectorLeavesLevelEntriesAlone()
        {
            Program(9, Level | 0x41);
            Program(2, 0x51);
            _ioApic.Pin(9).Set(true);
            Assert.Equal(0x41, Acknowledge());
            _ioApic.Pin(2).Set(true);
            Assert.Equal(0x51, Acknowledge());
            LapicEndOfInterrupt(); // ends 0x51: edge, not broadcast
            Assert.Equal(RemoteIrr, Entry(9) & RemoteIrr);
        }

        [Fact]
        public void UnmaskingAnAssertedLevelPinDelivers()
        {
            Program(11, Masked | Level | 0x43);
            _ioApic.Pin(11).Set(true);
            Assert.False(_apic.HasInterrupt);
            Assert.Equal(0UL, Entry(11) & RemoteIrr);
            Program(11, Level | 0x43);
            Assert.Equal(0x43, Acknowledge());
            Assert.Equal(RemoteIrr, Entry(11) & RemoteIrr);
        }

        [Fact]
        public void MaskedLevelPinWaitsForItsEoiToBeUnmaskedAgain()
        {
            Program(11, Level | 0x43);
            _ioApic.Pin(11).Set(true);
            Assert.Equal(0x43, Acknowledge());
            Program(11, Masked | Level | 0x43);
            LapicEndOfInterrupt();
            Assert.Equal(0UL, Entry(11) & RemoteIrr);
            Assert.False(_apic.HasInterrupt);
            Program(11, Level | 0x43);
            Assert.Equal(0x43, Acknowledge());
        }

        [Fact]
        public void SwitchingAnEntryToEdgeClearsRemoteIrr()
        {
            Program(9, Level | 0x41);
            _ioApic.Pin(9).Set(true);
            Program(9, 0x41);
            Assert.Equal(0UL, Entry(9) & RemoteIrr);
        }

        [Fact]
        public void PolarityIsStoredButTheLineLevelMeansAsserted()
        {
            Program(9, Level | (1UL << 13) | 0x41);
            Assert.Equal(1UL << 13, Entry(9) & (1UL << 13));
            Assert.False(_apic.HasInterrupt);
            _ioApic.Pin(9).Set(true);
            Assert.Equal(0x41, Acknowledge());
        }

        [Fact]
        public void PhysicalDestinationMismatchIsNotDelivered()
        {
            Program(4, (1UL << 56) | Level | 0x44);
            _ioApic.Pin(4).Set(true);
            Assert.False(_apic.HasInterrupt);
            Assert.Equal(0UL, Entry(4) & RemoteIrr);
            Assert.Equal(1UL, _ioApic.UnroutedDeliveries);
        }

        [Fact]
        public void PhysicalDestinationOfTheApicIdOrBroadcastIsDelivered()
        {
            LocalApic apic = new LocalApic(2_000_000_000, 0, 3);
            apic.Write(0xF0, 4, 0x1FF);
            IoApic ioApic = new IoApic(apic);
            ioApic.Write(IoApic.RegisterSelect, 4, 0x11);
            ioApic.Write(IoApic.RegisterWindow, 4, 0x03000000);
            ioApic.Write(IoApic.RegisterSelect, 4, 0x10);
            ioApic.Write(IoApic.RegisterWindow, 4, 0x50);
            ioApic.Write(IoApic.RegisterSelect, 4, 0x13);
            ioApic.Write(IoApic.RegisterWindow, 4, 0xFF000000);
            ioApic.Write(IoApic.RegisterSelect, 4, 0x12);
            ioApic.Write(IoApic.RegisterWindow, 4, 0x61);
            ioApic.Pin(0).Set(true);
            ioApic.Pin(1).Set(true);
            Assert.Equal(1UL << 16, apic.Read(0x220, 4)); // 0x50
            Assert.Equal(1UL << 1, apic.Read(0x230, 4));  // 0x61
            Assert.Equal(0UL, ioApic.UnroutedDeliveries);
        }

        [Fact]
        public void LogicalFlatDestinationMatchesTheLdr()
        {
            _apic.Write(0xD0, 4, 0x01000000);
            Program(3, (0x01UL << 56) | Logical | 0x33);
            Program(5, (0x02UL << 56) | Logical | 0x35);
            _ioApic.Pin(3).Set(true);
            _ioApic.Pin(5).Set(true);
            Assert.True(Requested(0x33));
            Assert.False(Requested(0x35));
        }

        [Fact]
        public void LowestPriorityIsDeliveredAsFixed()
        {
            Program(6, (1UL << 8) | 0x36);
            _ioApic.Pin(6).Set(true);
            Assert.Equal(0x36, Acknowledge());
        }

        [Theory]
        [InlineData(2UL)] // SMI
        [InlineData(4UL)] // NMI
        [InlineData(5UL)] // INIT
        [InlineData(7UL)] // ExtINT
        public void UnsupportedDeliveryModesAreCountedAndDropped(ulong deliveryMode)
        {
            Program(0, (deliveryMode << 8) | 0x30);
            _ioApic.Pin(0).Set(true);
            Assert.False(_apic.HasInterrupt);
            Assert.Equal(1UL, _ioApic.UnsupportedDeliveries);
        }

        [Fact]
        public void X2ApicModeUsesThePhysicalApicId()
        {
            Assert.True(_apic.TryWriteBaseMsr(0xFEE00D00));
            Program(4, 0x44);
            Program(5, (1UL << 56) | 0x45);
            _ioApic.Pin(4).Set(true);
            _ioApic.Pin(5).Set(true);
            Assert.True(_apic.TryReadMsr(0x822, out ulong irr));
            Assert.Equal(1UL << 4, irr);
        }

        [Fact]
        public void DisabledLocalApicReceivesNothing()
        {
            Assert.True(_apic.TryWriteBaseMsr(0xFEE00100));
            Program(4, 0x44);
            _ioApic.Pin(4).Set(true);
            Assert.False(_apic.HasInterrupt);
            Assert.Equal(1UL, _ioApic.UnroutedDeliveries);
        }

        [Fact]
        public void PinLevelFollowsTheWire()
        {
            _ioApic.Pin(7).Set(true);
            Assert.True(_ioApic.PinLevel(7));
            _ioApic.Pin(7).Set(false);
            Assert.False(_ioApic.PinLevel(7));
        }
    }
}
