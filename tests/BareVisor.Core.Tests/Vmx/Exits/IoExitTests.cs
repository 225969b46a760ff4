// Host test code. IN/OUT and INS/OUTS exits (SDM Vol. 3C, "Exit Qualification for I/O
// Instructions"; Vol. 2A/2B IN, OUT, INS, OUTS, REP): which port and size reach the devices, what
// lands in RAX and memory, how RSI/RDI/RCX move, and the guest's debug console end to end.
using System.Collections.Generic;
using System.Text;
using BareVisor.Core.Devices;
using BareVisor.Core.Guests;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class IoExitTests
    {
        private const ulong RflagsDf = 1UL << 10;

        // The exit qualification: size-1 in bits 2:0, IN in bit 3, string in 4, REP in 5, port in 31:16.
        private static ulong Io(ushort port, int size, bool input, bool isString = false, bool rep = false) =>
            (ulong)(uint)(size - 1) | (input ? 8UL : 0) | (isString ? 0x10UL : 0) | (rep ? 0x20UL : 0) | ((ulong)port << 16);

        // VM-exit instruction information for INS/OUTS: address size in bits 9:7 (0 = 16, 1 = 32, 2 = 64 bits).
        private static ulong AddressSize(int bits) => (ulong)(bits == 16 ? 0 : bits == 32 ? 1 : 2) << 7;

        [Theory]
        [InlineData(1, 0xF0u)]
        [InlineData(2, 0xDEF0u)]
        [InlineData(4, 0x9ABCDEF0u)]
        public void OutWritesTheLowBytesOfRax(int size, uint written)
        {
            using VcpuHarness h = new VcpuHarness();
            h.Regs.Rax = 0x12345678_9ABCDEF0;
            Assert.Equal(ExitAction.Resume, h.Exit(ExitReason.IoInstruction, Io(0x3F8, size, false), 1));
            Assert.Equal(new[] { (true, (ushort)0x3F8, size, written) }, h.Platform.PortLog);
            Assert.Equal(0x12345678_9ABCDEF0UL, h.Regs.Rax);
            Assert.Equal(VcpuHarness.Entry + 1, h.Rip);
        }

        [Fact]
        public void InAlAndInAxMergeIntoRax()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Platform.PortValues[0x60] = 0xAABBCCDD;
            h.Regs.Rax = 0x11223344_55667788;
            h.Exit(ExitReason.IoInstruction, Io(0x60, 1, true), 2);
            Assert.Equal(0x11223344_556677DDUL, h.Regs.Rax);
            h.Exit(ExitReason.IoInstruction, Io(0x60, 2, true), 2);
            Assert.Equal(0x11223344_5566CCDDUL, h.Regs.Rax);
            Assert.Equal(VcpuHarness.Entry + 4, h.Rip);
        }

        [Fact]
        public void InEaxZeroExtendsIntoRax()
        {
            // A 32-bit destination clears bits 63:32 of the 64-bit register (SDM Vol. 1, 3.4.1.1).
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Long);
            h.Platform.PortValues[0xCFC] = 0x8086_1237;
            h.Regs.Rax = 0xFFFFFFFF_FFFFFFFF;
            h.Exit(ExitReason.IoInstruction, Io(0xCFC, 4, true), 1);
            Assert.Equal(0x8086_1237UL, h.Regs.Rax);
        }

        [Theory]
        [InlineData(1, 0xFFUL)]
        [InlineData(2, 0xFFFFUL)]
        [InlineData(4, 0xFFFFFFFFUL)]
        public void AnUnclaimedPortReadsAllOnes(int size, ulong expected)
        {
            using VcpuHarness h = new VcpuHarness();
            h.Platform.Ports = new PortBus();
            h.Regs.Rax = 0;
            h.Exit(ExitReason.IoInstruction, Io(0x2F8, size, true), 1);
            Assert.Equal(expected, h.Regs.Rax);
        }

        [Fact]
        public void ThePortComesFromQualificationBits31To16()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Exit(ExitReason.IoInstruction, Io(0xFFFF, 1, false) | 0x40, 2);   // OUT imm8 form (bit 6) changes nothing
            Assert.Equal((ushort)0xFFFF, h.Platform.PortLog[0].Port);
        }

        [Fact]
        public void TheDebugConsoleTurnsGuestBytesIntoLines()
        {
            using VcpuHarness h = new VcpuHarness();
            List<string> lines = new List<string>();
            DebugConsole console = new DebugConsole((line, length) => lines.Add(Encoding.ASCII.GetString(line, 0, length)));
            h.Platform.Ports = new PortBus();
            Assert.True(h.Platform.Ports.TryClaim(DebugConsole.Port, 1, console));
            foreach (char c in "ok\r\nsecond")
            {
                h.Regs.Rax = c;
                h.Exit(ExitReason.IoInstruction, Io(0xE9, 1, false), 1);
            }
            Assert.Equal(new[] { "ok" }, lines);
            console.Flush();
            Assert.Equal(new[] { "ok", "second" }, lines);
            h.Regs.Rax = 0;
            h.Exit(ExitReason.IoInstruction, Io(0xE9, 1, true), 1);
            Assert.Equal(0xE9UL, h.Regs.Rax);       // how a guest detects the port
        }

        [Fact]
        public void RepOutsbSendsBytesFromMemoryInOrder()
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Real);
            h.Platform.WriteMemory(0x500, Encoding.ASCII.GetBytes("Hello"));
            h.Set(VmcsFieldNatural.GuestLinearAddress, 0x500);
            h.Set(VmcsField32.VmExitInstructionInformation, AddressSize(16));
            h.Regs.Rsi = 0x500;
            h.Regs.Rcx = 0xABCD_0000_0005;          // CX is the count with a 16-bit address size
            Assert.Equal(ExitAction.Resume, h.Exit(ExitReason.IoInstruction, Io(0xE9, 1, false, true, true), 2));
            Assert.Equal("Hello", Sent(h.Platform));
            Assert.Equal(0x505UL, h.Regs.Rsi);
            Assert.Equal(0xABCD_0000_0000UL, h.Regs.Rcx);
            Assert.Equal(VcpuHarness.Entry + 2, h.Rip);
        }

        [Fact]
        public void SixteenBitAddressesWrapInsideTheRegister()
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Real);
            h.Platform.WriteMemory(0x1FFFE, new byte[] { 1, 2, 3, 4 });
            h.Set(VmcsFieldNatural.GuestLinearAddress, 0x1FFFE);   // DS base 0x10000, SI 0xFFFE
            h.Set(VmcsField32.VmExitInstructionInformation, AddressSize(16));
            h.Regs.Rsi = 0x7777_0000_FFFE;
            h.Regs.Rcx = 4;
            h.Exit(ExitReason.IoInstruction, Io(0x80, 1, false, true, true), 2);
            Assert.Equal(0x7777_0000_0002UL, h.Regs.Rsi);
            Assert.Equal(0UL, h.Regs.Rcx);
        }

        [Fact]
        public void RepInswStoresLittleEndianWordsAndAdvancesRdi()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Platform.PortValues[0x1F0] = 0xBEEF;
            h.Set(VmcsFieldNatural.GuestLinearAddress, 0x3000);
            h.Set(VmcsField32.VmExitInstructionInformation, AddressSize(32));
            h.Regs.Rdi = 0x3000;
            h.Regs.Rcx = 3;
            h.Exit(ExitReason.IoInstruction, Io(0x1F0, 2, true, true, true), 3);
            Assert.Equal(new byte[] { 0xEF, 0xBE, 0xEF, 0xBE, 0xEF, 0xBE, 0 }, h.Platform.ReadMemory(0x3000, 7));
            Assert.Equal(0x3006UL, h.Regs.Rdi);
            Assert.Equal(0UL, h.Regs.Rcx);
            Assert.Equal(3, h.Platform.PortLog.Count);
            Assert.All(h.Platform.PortLog, a => Assert.Equal((false, (ushort)0x1F0, 2), (a.Write, a.Port, a.Size)));
        }

        [Fact]
        public void WithTheDirectionFlagStringIoWalksDown()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Platform.WriteMemory(0x600, Encoding.ASCII.GetBytes("abc"));
            h.Set(VmcsFieldNatural.GuestRflags, 0x2 | RflagsDf);
            h.Set(VmcsFieldNatural.GuestLinearAddress, 0x602);
            h.Set(VmcsField32.VmExitInstructionInformation, AddressSize(32));
            h.Regs.Rsi = 0x602;
            h.Regs.Rcx = 3;
            h.Exit(ExitReason.IoInstruction, Io(0xE9, 1, false, true, true), 2);
            Assert.Equal("cba", Sent(h.Platform));
            Assert.Equal(0x5FFUL, h.Regs.Rsi);
        }

        [Fact]
        public void WithoutRepOneElementMovesAndRcxIsLeftAlone()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Platform.WriteMemory(0x700, new byte[] { 0x78, 0x56, 0x34, 0x12 });
            h.Set(VmcsFieldNatural.GuestLinearAddress, 0x700);
            h.Set(VmcsField32.VmExitInstructionInformation, AddressSize(32));
            h.Regs.Rsi = 0x700;
            h.Regs.Rcx = 99;
            h.Exit(ExitReason.IoInstruction, Io(0x400, 4, false, true, false), 1);
            Assert.Equal(new[] { (true, (ushort)0x400, 4, 0x12345678u) }, h.Platform.PortLog);
            Assert.Equal(0x704UL, h.Regs.Rsi);
            Assert.Equal(99UL, h.Regs.Rcx);
        }

        [Fact]
        public void RepWithACountOfZeroTransfersNothing()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Set(VmcsFieldNatural.GuestLinearAddress, 0x700);
            h.Set(VmcsField32.VmExitInstructionInformation, AddressSize(32));
            h.Regs.Rsi = 0x700;
            h.Regs.Rcx = 0x1_0000_0000;             // ECX = 0 with a 32-bit address size
            Assert.Equal(ExitAction.Resume, h.Exit(ExitReason.IoInstruction, Io(0xE9, 1, false, true, true), 2));
            Assert.Empty(h.Platform.PortLog);
            Assert.Equal(0x700UL, h.Regs.Rsi);
            Assert.Equal(VcpuHarness.Entry + 2, h.Rip);
        }

        [Fact]
        public void StringIoOutsideRamStopsTheGuest()
        {
            using VcpuHarness h = new VcpuHarness();
            ulong end = (ulong)h.Platform.Memory.Length;
            h.Set(VmcsFieldNatural.GuestLinearAddress, end - 2);
            h.Set(VmcsField32.VmExitInstructionInformation, AddressSize(32));
            h.Regs.Rsi = end - 2;
            h.Regs.Rcx = 4;
            Assert.Equal(ExitAction.StopGuest, h.Exit(ExitReason.IoInstruction, Io(0xE9, 1, false, true, true), 2));
            Assert.Equal("string I/O touched guest-physical memory outside RAM", h.Vcpu.StopReason);
            Assert.Equal(2, h.Platform.PortLog.Count);
            Assert.Equal(VcpuHarness.Entry, h.Rip);
        }

        [Fact]
        public void StringIoWithPagingOnStopsTheGuest()
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Long);
            h.Set(VmcsFieldNatural.GuestLinearAddress, 0x700);
            Assert.Equal(ExitAction.StopGuest, h.Exit(ExitReason.IoInstruction, Io(0xE9, 1, false, true, true), 2));
            Assert.Equal("string I/O (INS/OUTS) with guest paging enabled is not supported yet", h.Vcpu.StopReason);
            Assert.Empty(h.Platform.PortLog);
        }

        private static string Sent(GuestPlatformRecorder p)
        {
            StringBuilder text = new StringBuilder();
            foreach ((bool write, _, _, uint value) in p.PortLog)
            {
                Assert.True(write);
                text.Append((char)value);
            }
            return text.ToString();
        }
    }
}
