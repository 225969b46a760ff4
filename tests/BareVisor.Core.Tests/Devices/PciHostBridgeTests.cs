// Host test code. Configuration mechanism #1: Linux's probe, CONFIG_ADDRESS's bits, CONFIG_DATA at
// every width and byte offset, the i440FX host bridge's identity and command register, and all
// ones wherever no device answers.
using BareVisor.Core.Devices;

namespace BareVisor.Core.Tests.Devices
{
    public class PciHostBridgeTests
    {
        private const ushort Address = 0xCF8, Data = 0xCFC;

        private readonly PortBus _bus = new PortBus();
        private readonly PciHostBridge _bridge = new PciHostBridge();

        public PciHostBridgeTests() => Assert.True(_bridge.ClaimPorts(_bus));

        private uint In(ushort port, int size)
        {
            Assert.True(_bus.TryRead(port, size, out uint value));
            return value;
        }

        private void Out(ushort port, int size, uint value) => Assert.True(_bus.TryWrite(port, size, value));

        private static uint ConfigAddress(int bus, int device, int function, int register) =>
            0x80000000u | ((uint)bus << 16) | ((uint)device << 11) | ((uint)function << 8) | (uint)(register & 0xFC);

        // As Linux's pci_conf1_read: the address, then CONFIG_DATA at the register's byte offset.
        private uint ReadConfig(int bus, int device, int function, int register, int size)
        {
            Out(Address, 4, ConfigAddress(bus, device, function, register));
            return In((ushort)(Data + (register & (size == 2 ? 2 : size == 1 ? 3 : 0))), size);
        }

        private void WriteConfig(int register, int size, uint value)
        {
            Out(Address, 4, ConfigAddress(0, 0, 0, register));
            Out((ushort)(Data + (register & (size == 2 ? 2 : size == 1 ? 3 : 0))), size, value);
        }

        [Fact]
        public void ClaimsPorts0xCF8To0xCFF()
        {
            Assert.False(_bus.TryClaim(0xCF9, 1, new PostCodePort()));
            Assert.False(_bus.TryClaim(0xCFF, 1, new PostCodePort()));
            Assert.True(_bus.TryClaim(0xD00, 1, new PostCodePort()));
            Assert.True(_bus.TryClaim(0xCF7, 1, new PostCodePort()));
            Assert.Equal("PCI host bridge", _bridge.Name);
        }

        [Fact]
        public void LinuxFindsConfigurationMechanism1()
        {
            // pci_check_type1: a byte to 0xCFB, save CONFIG_ADDRESS, write the enable bit alone and
            // read it back; then pci_sanity_check looks for a host bridge's class on bus 0.
            Out(0xCFB, 1, 0x01);
            uint saved = In(Address, 4);
            Out(Address, 4, 0x80000000);
            Assert.Equal(0x80000000u, In(Address, 4));
            Out(Address, 4, saved);
            Assert.Equal(0x0600u, ReadConfig(0, 0, 0, 0x0A, 2));
            Assert.Equal(0x8086u, ReadConfig(0, 0, 0, 0x00, 2));
        }

        [Fact]
        public void ConfigAddressKeepsOnlyItsDefinedBits()
        {
            Out(Address, 4, 0xFFFFFFFF);
            Assert.Equal(0x80FFFFFCu, In(Address, 4));
            Assert.Equal(0x80FFFFFCu, _bridge.ConfigAddress);
        }

        [Theory]
        [InlineData(0xCF8, 1)]
        [InlineData(0xCF9, 1)]
        [InlineData(0xCFA, 1)]
        [InlineData(0xCFB, 1)]
        [InlineData(0xCF8, 2)]
        [InlineData(0xCFA, 2)]
        [InlineData(0xCF9, 4)]
        public void NarrowOrMisplacedAccessesAreNotConfigAddress(int port, int size)
        {
            Out(Address, 4, ConfigAddress(0, 0, 0, 8));
            Out((ushort)port, size, 0); // a byte at 0xCF9 would be the reset control register on a real chipset
            Assert.Equal(ConfigAddress(0, 0, 0, 8), In(Address, 4));
            Assert.Equal(PortBus.AllOnes(size), In((ushort)port, size));
        }

        [Fact]
        public void TheHostBridgeIsAnI440fx()
        {
            Assert.Equal(0x12378086u, ReadConfig(0, 0, 0, 0x00, 4));
            Assert.Equal(0x02800006u, ReadConfig(0, 0, 0, 0x04, 4)); // status, command
            Assert.Equal(0x06000002u, ReadConfig(0, 0, 0, 0x08, 4)); // class 06/00/00, revision 2
            Assert.Equal(0x00u, ReadConfig(0, 0, 0, 0x0E, 1));        // header type 0, one function
            Assert.Equal(0u, ReadConfig(0, 0, 0, 0x0C, 4));
            for (int register = 0x10; register < 0x100; register += 4)
                Assert.Equal(0u, ReadConfig(0, 0, 0, register, 4));
        }

        [Fact]
        public void EachByteOfConfigDataReachesItsByteOfTheRegister()
        {
            Out(Address, 4, ConfigAddress(0, 0, 0, 0));
            Assert.Equal(0x86u, In(0xCFC, 1));
            Assert.Equal(0x80u, In(0xCFD, 1));
            Assert.Equal(0x37u, In(0xCFE, 1));
            Assert.Equal(0x12u, In(0xCFF, 1));
            Assert.Equal(0x8086u, In(0xCFC, 2));
            Assert.Equal(0x3780u, In(0xCFD, 2));
            Assert.Equal(0x1237u, In(0xCFE, 2));
            Assert.Equal(0xFFFF1237u, In(0xCFE, 4)); // bytes past 0xCFF are not CONFIG_DATA
            Assert.Equal(0xFF12u, In(0xCFF, 2));
        }

        [Fact]
        public void OnlyParityAndSerrEnablesAreWritable()
        {
            WriteConfig(0x04, 2, 0xFFFF);
            Assert.Equal(0x0146u, ReadConfig(0, 0, 0, 0x04, 2));
            Assert.Equal(0x0146, _bridge.Command);
            WriteConfig(0x04, 2, 0);
            Assert.Equal(0x0006u, ReadConfig(0, 0, 0, 0x04, 2));
            WriteConfig(0x05, 1, 0x01);
            Assert.Equal(0x0106u, ReadConfig(0, 0, 0, 0x04, 2));
            WriteConfig(0x04, 4, 0xFFFF0040);      // a dword write also hits status, whose error bits stay clear
            Assert.Equal(0x02800046u, ReadConfig(0, 0, 0, 0x04, 4));
        }

        [Fact]
        public void OtherRegistersIgnoreWrites()
        {
            foreach (int register in new[] { 0x00, 0x08, 0x0C, 0x10, 0x3C, 0x58, 0x5C, 0x70, 0xFC })
                WriteConfig(register, 4, 0xFFFFFFFF);
            Assert.Equal(0x12378086u, ReadConfig(0, 0, 0, 0x00, 4));
            Assert.Equal(0x06000002u, ReadConfig(0, 0, 0, 0x08, 4));
            Assert.Equal(0u, ReadConfig(0, 0, 0, 0x0C, 4));
            Assert.Equal(0u, ReadConfig(0, 0, 0, 0x10, 4));
            Assert.Equal(0u, ReadConfig(0, 0, 0, 0x3C, 4));
            Assert.Equal(0u, ReadConfig(0, 0, 0, 0x58, 4));
        }

        [Theory]
        [InlineData(0, 1, 0)]
        [InlineData(0, 0, 1)]
        [InlineData(0, 31, 7)]
        [InlineData(1, 0, 0)]
        [InlineData(255, 0, 0)]
        public void NoOtherDeviceAnswers(int bus, int device, int function)
        {
            Assert.Equal(0xFFFFFFFFu, ReadConfig(bus, device, function, 0, 4));
            Assert.Equal(0xFFFFu, ReadConfig(bus, device, function, 0x0A, 2));
            Assert.Equal(0xFFu, ReadConfig(bus, device, function, 0x0E, 1));
            Out(Data, 2, 0);
            Assert.Equal(0x0006u, ReadConfig(0, 0, 0, 0x04, 2));
        }

        [Fact]
        public void WithTheEnableBitClearDataReadsAllOnes()
        {
            Out(Address, 4, 0x00000004);
            Assert.Equal(0xFFFFFFFFu, In(Data, 4));
            Assert.Equal(0xFFu, In(0xCFD, 1));
            Out(Data, 2, 0xFFFF);
            Assert.Equal(0x0006u, ReadConfig(0, 0, 0, 0x04, 2));
        }
    }
}
