// Host test code. EPT violations in a claimed MMIO range are emulated (device access, register
// update, RIP advance); where nothing is, the open bus answers; fetches and page walks that reach
// no RAM, and instructions the decoder refuses, stop the guest with the messages the console shows.
using System;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;
using BareVisor.Core.Vmx.Mmio;

namespace BareVisor.Core.Tests.Vmx.Mmio
{
    public sealed class EptExitMmioTests : IDisposable
    {
        private const ulong Window = MmioExitHarness.Window;
        private const ulong Read = MmioExitHarness.QualificationRead, Write = MmioExitHarness.QualificationWrite;
        private readonly MmioExitHarness h = new MmioExitHarness();

        public void Dispose() => h.Dispose();

        private void Resumed(ExitAction action) => Assert.True(action == ExitAction.Resume, "stopped: " + h.Vcpu.StopReason);

        [Fact]
        public void A_32_bit_load_zero_extends_into_the_register_and_advances_RIP()
        {
            h.Scratch.Write(0x10, 4, 0x12345678);
            h.Regs.Rax = 0xDEAD_BEEF_0000_0000;
            Resumed(h.Exit(0x1000, 0x1000, Window + 0x10, Read, 0x8B, 0x05, 0x10, 0x00, 0xC0, 0xFE));   // mov eax, [0xFEC00010]
            Assert.Equal(0x12345678UL, h.Regs.Rax);
            Assert.Equal(0x1006UL, h.Regs.Rip);
        }

        [Fact]
        public void Stores_from_registers_and_immediates_reach_the_device()
        {
            h.Regs.Rbx = 0x1111_2222_3333_4444;
            Resumed(h.Exit(0x1000, 0x1000, Window + 0x20, Write, 0x89, 0x1D, 0x20, 0x00, 0xC0, 0xFE));  // mov [..], ebx
            Assert.Equal(0x3333_4444UL, h.Scratch.Read(0x20, 8));
            Resumed(h.Exit(0x2000, 0x2000, Window + 0x30, Write, 0xC7, 0x05, 0x30, 0x00, 0xC0, 0xFE, 0x78, 0x56, 0x34, 0x12));
            Assert.Equal(0x12345678UL, h.Scratch.Read(0x30, 4));
            Assert.Equal(0x200AUL, h.Regs.Rip);
            h.Regs.Rax = 0xAB00;
            Resumed(h.Exit(0x3000, 0x3000, Window + 0x40, Write, 0x88, 0x25, 0x40, 0x00, 0xC0, 0xFE));  // mov [..], ah
            Assert.Equal(0xABUL, h.Scratch.Read(0x40, 2));
        }

        [Fact]
        public void Byte_and_word_loads_merge_and_AH_lands_in_bits_15_to_8()
        {
            h.Scratch.Write(0, 8, 0x8877_6655_4433_2211);
            h.Regs.Rax = 0xFFFF_FFFF_FFFF_FFFF;
            Resumed(h.Exit(0x1000, 0x1000, Window, Read, 0x8A, 0x05, 0x00, 0x00, 0xC0, 0xFE));         // mov al, [..]
            Assert.Equal(0xFFFF_FFFF_FFFF_FF11UL, h.Regs.Rax);
            Resumed(h.Exit(0x1000, 0x1000, Window, Read, 0x8A, 0x25, 0x00, 0x00, 0xC0, 0xFE));         // mov ah, [..]
            Assert.Equal(0xFFFF_FFFF_FFFF_1111UL, h.Regs.Rax);
            h.Regs.Rdx = 0xAAAA_AAAA_AAAA_AAAA;
            Resumed(h.Exit(0x1000, 0x1000, Window, Read, 0x66, 0x8B, 0x15, 0x00, 0x00, 0xC0, 0xFE));   // mov dx, [..]
            Assert.Equal(0xAAAA_AAAA_AAAA_2211UL, h.Regs.Rdx);
        }

        [Fact]
        public void Movzx_and_movsx_widen_the_value_read()
        {
            h.Scratch.Write(0, 2, 0x8080);
            h.Regs.Rcx = ulong.MaxValue;
            Resumed(h.Exit(0x1000, 0x1000, Window, Read, 0x0F, 0xB6, 0x0D, 0x00, 0x00, 0xC0, 0xFE));   // movzx ecx, byte [..]
            Assert.Equal(0x80UL, h.Regs.Rcx);
            Resumed(h.Exit(0x1000, 0x1000, Window, Read, 0x0F, 0xBF, 0x0D, 0x00, 0x00, 0xC0, 0xFE));   // movsx ecx, word [..]
            Assert.Equal(0xFFFF_8080UL, h.Regs.Rcx);
        }

        [Fact]
        public void A_load_into_ESP_goes_to_the_VMCS()
        {
            h.Scratch.Write(0, 4, 0x7000);
            Resumed(h.Exit(0x1000, 0x1000, Window, Read, 0x8B, 0x25, 0x00, 0x00, 0xC0, 0xFE));         // mov esp, [..]
            Assert.Equal(0x7000UL, h.Rsp);
        }

        [Fact]
        public void Long_mode_code_is_fetched_through_the_guest_page_tables()
        {
            // Linear 0xFFFF_8000_0000_1000 -> physical 0x5000 through PML4 0x10000 (tables in RAM).
            h.Platform.Write64(0x10000 + 256 * 8, 0x11000 | 3);
            h.Platform.Write64(0x11000, 0x12000 | 3);
            h.Platform.Write64(0x12000, 0x13000 | 3);
            h.Platform.Write64(0x13000 + 1 * 8, 0x5000 | 3);
            h.Long64(0x10000);
            h.Regs.R9 = 0x0123_4567_89AB_CDEF;
            Resumed(h.Exit(0xFFFF_8000_0000_1000, 0x5000, Window + 8, Write, 0x4C, 0x89, 0x0D, 0x00, 0x01, 0x00, 0x00));   // mov [rip+..], r9
            Assert.Equal(0x0123_4567_89AB_CDEFUL, h.Scratch.Read(8, 8));
            Assert.Equal(0xFFFF_8000_0000_1007UL, h.Regs.Rip);
            h.Regs.Rax = 0;
            Resumed(h.Exit(0xFFFF_8000_0000_1010, 0x5010, Window + 8, Read, 0x48, 0x0F, 0xBE, 0x05, 0, 0, 0, 0));           // movsx rax, byte [..]
            Assert.Equal(0xFFFF_FFFF_FFFF_FFEFUL, h.Regs.Rax);
        }

        [Fact]
        public void Real_mode_code_is_fetched_at_CS_base_plus_IP()
        {
            h.Real(0x10000);
            h.Scratch.Write(0, 2, 0xBEEF);
            h.Regs.Rax = 0x1234_0000;
            Resumed(h.Exit(0x0100, 0x10100, Window, Read, 0x8B, 0x07));                                  // mov ax, [bx]
            Assert.Equal(0x1234_BEEFUL, h.Regs.Rax);
            Assert.Equal(0x0102UL, h.Regs.Rip);
            Assert.Equal(0x0001UL, MmioEmulator.Advance(0xFFFF, 2, CodeSize.Bits16));
        }

        // A PC's bus where nothing answers: reads float to all ones, writes vanish; reported once.
        [Fact]
        public void Where_there_is_neither_RAM_nor_a_device_reads_are_all_ones_and_writes_are_dropped()
        {
            h.Regs.Rax = 0x1234;
            Resumed(h.Exit(0x1000, 0x1000, 0xE000_0000, Read, 0x8B, 0x05, 0x00, 0x00, 0x00, 0xE0));   // mov eax, [0xE0000000]
            Assert.Equal(0xFFFF_FFFFUL, h.Regs.Rax);
            Assert.Equal(0x1006UL, h.Regs.Rip);
            Resumed(h.Exit(0x2000, 0x2000, 0xE000_0010, Write, 0xC7, 0x05, 0x10, 0x00, 0x00, 0xE0, 0x78, 0x56, 0x34, 0x12));
            Assert.Equal(0x200AUL, h.Regs.Rip);
            h.Regs.Rcx = 0xAAAA_AAAA_AAAA_AAAA;
            Resumed(h.Exit(0x3000, 0x3000, 0xE000_0010, Read, 0x66, 0x8B, 0x0D, 0x10, 0x00, 0x00, 0xE0));   // mov cx, [0xE0000010]
            Assert.Equal(0xAAAA_AAAA_AAAA_FFFFUL, h.Regs.Rcx);
            Assert.Equal(new[] { "guest-physical 0xe0000000 has no memory or device: reads return all ones, writes are dropped (reported once per VM)" },
                         h.Platform.Logs);
        }

        [Fact]
        public void A_platform_without_MMIO_devices_answers_from_the_open_bus()
        {
            h.Vcpu.Platform.Bus = null;
            h.Scratch.Write(0, 4, 0x5555_5555);
            Resumed(h.Exit(0x1000, 0x1000, Window, Read, 0x8B, 0x05, 0x00, 0x00, 0xC0, 0xFE));         // mov eax, [0xFEC00000]
            Assert.Equal(0xFFFF_FFFFUL, h.Regs.Rax);
        }

        [Fact]
        public void An_instruction_fetch_from_nowhere_stops_the_guest()
        {
            Assert.Equal(ExitAction.StopGuest, h.ExitAt(0xE000_0000, 0xE000_0000, MmioExitHarness.QualificationFetch));
            Assert.Equal("instruction fetch from guest-physical 0xe0000000: no memory or device there", h.Vcpu.StopReason);
        }

        [Fact]
        public void A_page_table_walk_to_nowhere_stops_the_guest()
        {
            Assert.Equal(ExitAction.StopGuest, h.ExitAt(0x1000, 0xE000_0018, Read, translated: false));
            Assert.Equal("the guest's page-table walk reached guest-physical 0xe0000018, where there is no memory or device", h.Vcpu.StopReason);
        }

        [Fact]
        public void An_instruction_the_decoder_refuses_stops_the_guest_with_its_bytes()
        {
            Assert.Equal(ExitAction.StopGuest, h.Exit(0x1000, 0x1000, Window, Write, 0x01, 0x05, 0x00, 0x00, 0xC0, 0xFE));   // add [..], eax
            Assert.StartsWith("MMIO access at guest-physical 0xfec00000 by an instruction BareVisor cannot emulate (bytes 01 05 00 00 c0 fe 00",
                h.Vcpu.StopReason);
            Assert.EndsWith("): not a MOV form BareVisor emulates", h.Vcpu.StopReason);
            Assert.Equal(0x1000UL, h.Regs.Rip);
        }

        [Fact]
        public void Code_outside_guest_RAM_is_reported_unreadable()
        {
            Assert.Equal(ExitAction.StopGuest, h.ExitAt(0x30_0000, Window, Read));
            Assert.Equal("MMIO access at guest-physical 0xfec00000 by an instruction BareVisor cannot emulate (bytes unreadable): instruction bytes end early",
                h.Vcpu.StopReason);
        }

        [Fact]
        public void A_direction_different_from_the_exit_qualification_is_not_emulated()
        {
            Assert.Equal(ExitAction.StopGuest, h.Exit(0x1000, 0x1000, Window, Read, 0x89, 0x05, 0x00, 0x00, 0xC0, 0xFE));
            Assert.Contains("direction", h.Vcpu.StopReason);
        }

        [Fact]
        public void Instruction_fetches_from_MMIO_stop_the_guest()
        {
            Assert.Equal(ExitAction.StopGuest, h.ExitAt(Window, Window, MmioExitHarness.QualificationFetch));
            Assert.StartsWith("instruction fetch from MMIO at guest-physical 0xfec00000", h.Vcpu.StopReason);
        }

        [Fact]
        public void Guest_page_tables_in_MMIO_stop_the_guest()
        {
            Assert.Equal(ExitAction.StopGuest, h.ExitAt(0x1000, Window + 0x18, Read, translated: false));
            Assert.Equal("the guest's page-table walk reached MMIO at guest-physical 0xfec00018", h.Vcpu.StopReason);
        }

        [Fact]
        public void An_access_running_past_the_device_range_stops_the_guest()
        {
            Assert.Equal(ExitAction.StopGuest, h.Exit(0x1000, 0x1000, Window + 0xFFE, Read, 0x8B, 0x05, 0xFE, 0x0F, 0xC0, 0xFE));
            Assert.Equal("MMIO access of 4 bytes at guest-physical 0xfec00ffe runs past the end of its device's range", h.Vcpu.StopReason);
        }

        [Fact]
        public void Emulation_ends_an_STI_or_MOV_SS_interrupt_shadow()
        {
            h.Set(VmcsField32.GuestInterruptibilityState, 0x3 | 0x8);
            Resumed(h.Exit(0x1000, 0x1000, Window, Read, 0x8B, 0x05, 0x00, 0x00, 0xC0, 0xFE));
            Assert.Equal(0x8UL, h.State.Get((uint)VmcsField32.GuestInterruptibilityState));
        }

        [Fact]
        public void A_written_value_reads_back_through_emulation()
        {
            h.Regs.Rsi = 0xCAFE_F00D;
            Resumed(h.Exit(0x1000, 0x1000, Window + 0x100, Write, 0x89, 0x35, 0x00, 0x01, 0xC0, 0xFE));   // mov [..], esi
            Resumed(h.Exit(0x1000, 0x1000, Window + 0x100, Read, 0x8B, 0x3D, 0x00, 0x01, 0xC0, 0xFE));    // mov edi, [..]
            Assert.Equal(0xCAFE_F00DUL, h.Regs.Rdi);
            Assert.Equal(2UL, h.Vcpu.Counters[ExitReason.EptViolation]);
        }
    }
}
