// Host test code. QEMU's fw_cfg, traditional interface: selecting items, reading them byte by
// byte (as SeaBIOS, Linux's qemu_fw_cfg and kvm-unit-tests do), zeros past an item's end and for
// unknown items, and the accesses that are not part of the interface.
using System;
using System.Text;
using BareVisor.Core.Devices;

namespace BareVisor.Core.Tests.Devices
{
    public class FwCfgTests
    {
        private const ulong Ram = 0x1_2345_6000;

        private readonly PortBus _bus = new PortBus();
        private readonly FwCfg _fwCfg = new FwCfg(Ram, 3);

        public FwCfgTests() => Assert.True(_fwCfg.ClaimPorts(_bus));

        private byte[] Item(ushort key, int length)
        {
            Assert.True(_bus.TryWrite(0x510, 2, key));
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++)
            {
                Assert.True(_bus.TryRead(0x511, 1, out uint value));
                bytes[i] = (byte)value;
            }
            return bytes;
        }

        [Fact]
        public void ClaimsTheSelectorAndDataPorts()
        {
            Assert.False(_bus.TryClaim(0x510, 1, new PostCodePort()));
            Assert.False(_bus.TryClaim(0x511, 1, new PostCodePort()));
            Assert.True(_bus.TryClaim(0x512, 1, new PostCodePort()));
            Assert.Equal("fw_cfg", _fwCfg.Name);
        }

        [Fact]
        public void TheSignatureIsQemuThenZeros() =>
            Assert.Equal(Encoding.ASCII.GetBytes("QEMU\0\0\0\0"), Item(FwCfg.Signature, 8));

        [Fact]
        public void TheIdSaysTraditionalInterfaceWithoutDma() =>
            Assert.Equal(new byte[] { 1, 0, 0, 0, 0 }, Item(FwCfg.Id, 5));

        [Fact]
        public void TheUuidIsZero() => Assert.Equal(new byte[17], Item(FwCfg.Uuid, 17));

        [Fact]
        public void TheRamSizeIsAQwordLittleEndian()
        {
            Assert.Equal(BitConverter.GetBytes(Ram), Item(FwCfg.RamSize, 8));
            Assert.Equal(0, Item(FwCfg.RamSize, 9)[8]);
        }

        [Fact]
        public void CpuCountsAreWordsLittleEndian()
        {
            Assert.Equal(new byte[] { 3, 0, 0 }, Item(FwCfg.CpuCount, 3));
            Assert.Equal(new byte[] { 3, 0, 0 }, Item(FwCfg.MaxCpus, 3));
            Assert.Equal(new byte[] { 0x34, 0x12 }, new FwCfgReader(new FwCfg(0, 0x1234)).Item(FwCfg.CpuCount, 2));
        }

        [Fact]
        public void TheFileDirectoryIsEmpty() => Assert.Equal(new byte[4], Item(FwCfg.FileDirectory, 4));

        [Theory]
        [InlineData(0x0004)]
        [InlineData(0x0007)]
        [InlineData(0x0020)]
        [InlineData(0x8003)] // architecture-local: none here
        [InlineData(0x3FFF)]
        public void UnknownItemsReadZero(int key) => Assert.Equal(new byte[6], Item((ushort)key, 6));

        [Fact]
        public void SelectingRewinds()
        {
            Item(FwCfg.Signature, 2);
            Assert.Equal(Encoding.ASCII.GetBytes("QEMU"), Item(FwCfg.Signature, 4));
            Assert.Equal(FwCfg.Signature, _fwCfg.Selector);
        }

        [Fact]
        public void TheWriteFlagIsIgnored()
        {
            Assert.Equal(Encoding.ASCII.GetBytes("QEMU"), Item(FwCfg.WriteFlag | FwCfg.Signature, 4));
            Assert.Equal(new byte[] { 3, 0 }, Item(FwCfg.WriteFlag | FwCfg.CpuCount, 2));
        }

        [Fact]
        public void OtherAccessesAreNotTheInterface()
        {
            Item(FwCfg.Signature, 1);
            Assert.True(_bus.TryWrite(0x510, 1, FwCfg.CpuCount)); // a byte write does not select
            Assert.True(_bus.TryWrite(0x510, 4, FwCfg.CpuCount)); // nor does a dword
            Assert.True(_bus.TryWrite(0x511, 1, 0x55));           // the data port is read-only
            Assert.True(_bus.TryRead(0x511, 2, out uint wide));
            Assert.Equal(0xFFFFu, wide);                           // and read a byte at a time
            Assert.True(_bus.TryRead(0x510, 2, out uint selector));
            Assert.Equal(0xFFFFu, selector);
            Assert.True(_bus.TryRead(0x511, 1, out uint next));
            Assert.Equal((uint)'E', next);                         // still the signature, one byte on
        }

        private readonly struct FwCfgReader
        {
            private readonly FwCfg _device;

            public FwCfgReader(FwCfg device) => _device = device;

            public byte[] Item(ushort key, int length)
            {
                _device.Write(0, 2, key);
                byte[] bytes = new byte[length];
                for (int i = 0; i < length; i++)
                    bytes[i] = (byte)_device.Read(1, 1);
                return bytes;
            }
        }
    }
}
