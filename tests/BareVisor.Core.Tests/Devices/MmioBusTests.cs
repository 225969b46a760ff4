// Host test code. The MMIO bus's claims and access checks, and the scratch register page.
using BareVisor.Core.Devices;
using BareVisor.Core.Memory;
using BareVisor.Core.Tests.Fakes;

namespace BareVisor.Core.Tests.Devices
{
    public class MmioBusTests
    {
        private static GuestPhysical At(ulong address) => new GuestPhysical(address);

        [Fact]
        public void Claims_may_not_overlap_be_empty_or_wrap()
        {
            MmioBus bus = new MmioBus();
            Assert.True(bus.TryClaim(At(0xFEC00000), 0x1000, new ScratchRegisterPage()));
            Assert.False(bus.TryClaim(At(0xFEC00FFF), 0x10, new ScratchRegisterPage()));
            Assert.False(bus.TryClaim(At(0xFEBFF000), 0x1001, new ScratchRegisterPage()));
            Assert.False(bus.TryClaim(At(0xFED00000), 0, new ScratchRegisterPage()));
            Assert.False(bus.TryClaim(At(ulong.MaxValue - 0xF), 0x20, new ScratchRegisterPage()));
            Assert.False(bus.TryClaim(At(0xFED00000), 0x1000, null));
            Assert.True(bus.TryClaim(At(0xFEC01000), 0x1000, new ScratchRegisterPage()));
        }

        [Fact]
        public void Find_gives_the_device_and_the_offset_into_its_range()
        {
            MmioBus bus = new MmioBus();
            ScratchRegisterPage page = new ScratchRegisterPage();
            bus.TryClaim(At(0xFEC00000), 0x1000, page);
            Assert.Same(page, bus.Find(At(0xFEC00ABC), out ulong offset));
            Assert.Equal(0xABCUL, offset);
            Assert.Null(bus.Find(At(0xFEC01000), out _));
            Assert.True(bus.Claims(At(0xFEC00FFF)));
            Assert.False(bus.Claims(At(0xFEBFFFFF)));
        }

        [Fact]
        public void Accesses_must_lie_inside_one_claim()
        {
            MmioBus bus = new MmioBus();
            bus.TryClaim(At(0xFEC00000), 0x1000, new ScratchRegisterPage());
            Assert.True(bus.TryWrite(At(0xFEC00FF8), 8, 0x1122334455667788));
            Assert.True(bus.TryRead(At(0xFEC00FF8), 8, out ulong value));
            Assert.Equal(0x1122334455667788UL, value);
            Assert.False(bus.TryRead(At(0xFEC00FFE), 4, out value));
            Assert.Equal(0xFFFFFFFFUL, value);
            Assert.False(bus.TryWrite(At(0xFEC00FFC), 8, 0));
            Assert.False(bus.TryRead(At(0xFEC02000), 1, out value));
            Assert.Equal(0xFFUL, value);
            Assert.False(bus.TryRead(At(0xFEC00000), 3 * 4, out _));
        }

        [Fact]
        public void The_bus_passes_only_the_access_size_of_a_value()
        {
            MmioBus bus = new MmioBus();
            ScratchRegisterPage page = new ScratchRegisterPage();
            bus.TryClaim(At(0xFEC00000), 0x1000, page);
            Assert.True(bus.TryWrite(At(0xFEC00010), 2, 0xAAAA_BBBB_CCCC_DDDD));
            Assert.Equal(0xDDDDUL, page.Read(0x10, 8));
        }

        [Theory]
        [InlineData(1, 0x88UL)]
        [InlineData(2, 0x7788UL)]
        [InlineData(4, 0x55667788UL)]
        [InlineData(8, 0x1122334455667788UL)]
        public void The_scratch_page_keeps_what_is_written(int size, ulong expected)
        {
            ScratchRegisterPage page = new ScratchRegisterPage();
            Assert.Equal(0UL, page.Read(0x100, 8));
            page.Write(0x100, size, 0x1122334455667788);
            Assert.Equal(expected, page.Read(0x100, 8));
            Assert.Equal(0xFFUL, page.Read(ScratchRegisterPage.Size, 1));
        }
    }
}
