// Host test code.
using BareVisor.Core.Boot;
using BareVisor.Core.Memory;
using BareVisor.Core.Tests.Fakes;

namespace BareVisor.Core.Tests.Boot
{
    public class BootInfoParserTests
    {
        [Fact]
        public void DispatchesOnTheMagic()
        {
            byte[] block = new Multiboot2Image().MemoryMap((0x100000, 0x100000, 1)).Finish();
            FakePhysicalMemory mem = FakePhysicalMemory.With(0x8000, block);
            Assert.True(BootInfoParser.TryParse(ref mem, 0x36d76289, new HostPhysical(0x8000), out BootInfo info, out string error), error);
            Assert.Equal("multiboot2", info.Protocol);
        }

        [Fact]
        public void UnknownMagicIsNamed()
        {
            FakePhysicalMemory mem = new FakePhysicalMemory();
            Assert.False(BootInfoParser.TryParse(ref mem, 0x12345678, new HostPhysical(0x8000), out _, out string error));
            Assert.StartsWith("boot: unknown boot loader magic 0x12345678", error);
        }
    }
}
