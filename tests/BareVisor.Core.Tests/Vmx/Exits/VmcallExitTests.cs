// Host test code. BareVisor's hypercall ABI through VMCALL: RAX selects the function, RBX/RCX
// carry arguments, RAX returns 0 or all ones; only CPL 0 may call (others get #UD).
using System.Text;
using BareVisor.Core.Guests;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class VmcallExitTests
    {
        private const int VmcallLength = 3;     // 0F 01 C1

        private static ExitAction Call(VcpuHarness h, ulong function, ulong rbx = 0, ulong rcx = 0)
        {
            h.Regs.Rax = function;
            h.Regs.Rbx = rbx;
            h.Regs.Rcx = rcx;
            return h.Exit(ExitReason.Vmcall, instructionLength: VmcallLength);
        }

        [Theory]
        [InlineData(GuestStartMode.Real)]
        [InlineData(GuestStartMode.Protected)]
        [InlineData(GuestStartMode.Long)]
        public void VersionReportsOnePointZeroAndTheFeatures(GuestStartMode mode)
        {
            using VcpuHarness h = new VcpuHarness(mode);
            h.Regs.Rdx = 0x5555;
            Assert.Equal(ExitAction.Resume, Call(h, 0, 0xDEAD, 0xBEEF));
            Assert.Equal(0UL, h.Regs.Rax);
            Assert.Equal(0x00010000UL, h.Regs.Rbx);
            Assert.Equal(0x7UL, h.Regs.Rcx);
            Assert.Equal(0x5555UL, h.Regs.Rdx);
            Assert.Equal(VcpuHarness.Entry + VmcallLength, h.Rip);
        }

        [Fact]
        public void ConsoleWriteCopiesGuestMemoryToTheConsole()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Platform.WriteMemory(0x2000, Encoding.ASCII.GetBytes("hello, world\n"));
            Assert.Equal(ExitAction.Resume, Call(h, 1, 0x2000, 13));
            Assert.Equal(0UL, h.Regs.Rax);
            Assert.Equal("hello, world\n", h.Platform.OutputText);
            Assert.Equal(VcpuHarness.Entry + VmcallLength, h.Rip);
        }

        [Fact]
        public void ConsoleWriteAcceptsExactly4096Bytes()
        {
            using VcpuHarness h = new VcpuHarness();
            byte[] text = new byte[4096];
            for (int i = 0; i < text.Length; i++)
                text[i] = (byte)('a' + i % 26);
            h.Platform.WriteMemory(0x10000, text);
            Call(h, 1, 0x10000, 4096);
            Assert.Equal(0UL, h.Regs.Rax);
            Assert.Equal(text, h.Platform.Output.ToArray());
        }

        [Theory]
        [InlineData(4097UL)]
        [InlineData(0x1_0000_0000UL)]
        [InlineData(ulong.MaxValue)]
        public void ConsoleWriteRefusesMoreThan4096BytesWithoutTouchingMemory(ulong length)
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.Resume, Call(h, 1, 0x2000, length));
            Assert.Equal(ulong.MaxValue, h.Regs.Rax);
            Assert.Empty(h.Platform.Output);
            Assert.Equal(0, h.Platform.MemoryReads);
            Assert.Equal(VcpuHarness.Entry + VmcallLength, h.Rip);
        }

        [Theory]
        [InlineData(0x100000UL, 1UL)]           // just past the end of guest RAM
        [InlineData(0xFFFFFUL, 2UL)]            // straddles the end
        [InlineData(0xFEE00000UL, 16UL)]        // the local APIC page: not RAM
        [InlineData(ulong.MaxValue, 16UL)]
        public void ConsoleWriteFromOutsideRamFails(ulong address, ulong length)
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.Resume, Call(h, 1, address, length));
            Assert.Equal(ulong.MaxValue, h.Regs.Rax);
            Assert.Empty(h.Platform.Output);
        }

        [Fact]
        public void PowerOffStopsTheGuestWithItsStatus()
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.StopGuest, Call(h, 2, 42));
            Assert.Equal("powered off with status 42", h.Vcpu.StopReason);
            Assert.False(h.Vcpu.RebootRequested);
        }

        [Fact]
        public void RebootStopsTheGuestAndAsksForARestart()
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.StopGuest, Call(h, 3));
            Assert.Equal("reboot requested", h.Vcpu.StopReason);
            Assert.True(h.Vcpu.RebootRequested);
        }

        [Theory]
        [InlineData(4UL)]
        [InlineData(0xFFFFFFFFUL)]
        [InlineData(0x1_0000_0001UL)]           // function 1 only in the low half: RAX is 64 bits here
        [InlineData(ulong.MaxValue)]
        public void AnUnknownFunctionReturnsAllOnes(ulong function)
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Long);
            Assert.Equal(ExitAction.Resume, Call(h, function, 0x2000, 5));
            Assert.Equal(ulong.MaxValue, h.Regs.Rax);
            Assert.Equal(0x2000UL, h.Regs.Rbx);
            Assert.Equal(5UL, h.Regs.Rcx);
            Assert.Empty(h.Platform.Output);
            Assert.Equal(VcpuHarness.Entry + VmcallLength, h.Rip);
            h.AssertNothingInjected();
        }

        [Theory]
        [InlineData(3)]
        [InlineData(1)]
        public void CallersBelowCpl0GetUndefinedOpcode(int cpl)
        {
            using VcpuHarness h = new VcpuHarness();
            h.Set(VmcsField32.GuestSsAccessRights, h.Get(VmcsField32.GuestSsAccessRights) | ((ulong)(uint)cpl << 5));
            h.Platform.WriteMemory(0x2000, Encoding.ASCII.GetBytes("sneaky"));
            Assert.Equal(ExitAction.Resume, Call(h, 1, 0x2000, 6));
            h.AssertInjected(ExceptionVectors.InvalidOpcode, null);
            Assert.Equal(1UL, h.Regs.Rax);              // untouched
            Assert.Empty(h.Platform.Output);
            Assert.Equal(VcpuHarness.Entry, h.Rip);     // a fault: RIP stays on the VMCALL
        }

        [Fact]
        public void PowerOffFromUserModeDoesNotStopTheGuest()
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Long);
            h.Set(VmcsField32.GuestSsAccessRights, h.Get(VmcsField32.GuestSsAccessRights) | (3 << 5));
            Assert.Equal(ExitAction.Resume, Call(h, 2, 0));
            Assert.Null(h.Vcpu.StopReason);
            h.AssertInjected(ExceptionVectors.InvalidOpcode, null);
        }
    }
}
