// Host test code. The run loop (VcpuLoop) driven through FakeVcpuHost's scripted VM entries: the
// order of what happens around each entry, how exits end the loop (handlers, device requests, the
// time limit, failed entries), re-injection of cut-off events, console input and the
// VMX-preemption timer it arms.
using BareVisor.Core.Devices;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class VcpuLoopTests
    {
        private const ulong StartTsc = 1_000_000;
        private const int TimerShift = 5;
        private const ulong RflagsIf = 1UL << 9;

        // A protected-mode vCPU with a PC on real port and MMIO buses, a VMX-preemption timer
        // counting at TSC/32, and the TSC standing at StartTsc until a step moves it.
        private static VcpuHarness NewVcpu(bool preemptionTimer = true)
        {
            VcpuHarness h = new VcpuHarness();
            h.Platform.Ports = new PortBus();
            h.Platform.Mmio = new MmioBus();
            h.Platform.Devices = h.Platform.NewPcPlatform(h.Platform.Ports, h.Platform.Mmio);
            h.Platform.Tsc = StartTsc;
            h.Vcpu.HasPreemptionTimer = preemptionTimer;
            h.Vcpu.Cpuid = CpuidCache.Build(ref h.Vcpu.Platform);
            h.Regs.PreemptionTimerShift = TimerShift;
            return h;
        }

        private static string Run(VcpuHarness h, FakeVcpuHostState script)
        {
            FakeVcpuHost host = new FakeVcpuHost(script);
            return VcpuLoop.Run(ref h.Vcpu, ref host);
        }

        private static ulong Io(ushort port, int size) => (ulong)(uint)(size - 1) | ((ulong)port << 16);

        private static ulong TicksPerSlice(VcpuHarness h) => TimerExit.SliceNanoseconds * (h.Platform.TscHz / 1000) / 1000000;

        // The ACPI PM timer's interrupt enabled: a device event exists, so HLT may sleep.
        private static void ArmPmTimer(VcpuHarness h)
        {
            Assert.True(h.Platform.Ports.TryWrite(AcpiPmDevice.Port + AcpiPmDevice.Pm1EnableOffset, 2, AcpiPmDevice.TimerEnable));
            h.Platform.Devices.AdvanceTo(0);
        }

        [Fact]
        public void CpuidHltTimerThenAcpiPowerOffStopsWithItsReasonAndCounts()
        {
            using VcpuHarness h = NewVcpu();
            ArmPmTimer(h);
            h.Set(VmcsFieldNatural.GuestRflags, 0x2 | RflagsIf);
            FakeVcpuHostState script = new FakeVcpuHostState(h)
                .Then(ExitReason.Cpuid)
                .Then(ExitReason.Hlt, instructionLength: 1)
                .Then(ExitReason.VmxPreemptionTimerExpired, instructionLength: 0)
                .Then(ExitReason.IoInstruction, Io(0x604, 2), 2,
                    g => g.Regs.Rax = (AcpiPmDevice.SleepTypeS5 << AcpiPmDevice.SleepTypeShift) | AcpiPmDevice.SleepEnable);

            Assert.Equal("powered off through ACPI (S5)", Run(h, script));

            Assert.Equal("powered off through ACPI (S5)", h.Vcpu.StopReason);
            Assert.False(h.Vcpu.RebootRequested);
            Assert.Empty(script.Script);
            Assert.Equal(new[] { false, true, true, true }, script.Entries.ConvertAll(e => e.Launched));
            Assert.Equal(1UL, h.Vcpu.Counters[ExitReason.Cpuid]);
            Assert.Equal(1UL, h.Vcpu.Counters[ExitReason.Hlt]);
            Assert.Equal(1UL, h.Vcpu.Counters[ExitReason.VmxPreemptionTimerExpired]);
            Assert.Equal(1UL, h.Vcpu.Counters[ExitReason.IoInstruction]);
            Assert.Equal(4UL, h.Vcpu.Counters.Total());
            Assert.Equal(VcpuHarness.Entry + 2 + 1 + 2, h.Rip);
            Assert.Empty(script.EntryFailures);
        }

        [Fact]
        public void XcrZeroIsLoadedBeforeEveryEntryAndTheFirstEntryIsMarked()
        {
            using VcpuHarness h = NewVcpu();
            h.Vcpu.GuestXcr0 = 7;
            FakeVcpuHostState script = new FakeVcpuHostState(h)
                .Then(ExitReason.Cpuid)
                .Then(ExitReason.TripleFault);

            Assert.Equal("triple fault", Run(h, script));

            Assert.Equal(new[] { "xcr0", "mark", "enter", "xcr0", "enter" }, script.Calls);
            Assert.Equal(new[] { 7UL, 7UL }, script.Entries.ConvertAll(e => e.Xcr0));
        }

        [Theory]
        [InlineData((ushort)0x64, I8042.PulseResetCommand, 1, "reset through the keyboard controller", true)]
        [InlineData(DebugExitPort.Port, 3u, 1, "isa-debug-exit with status 7", false)]
        [InlineData((ushort)0x604, (AcpiPmDevice.SleepTypeS5 << AcpiPmDevice.SleepTypeShift) | AcpiPmDevice.SleepEnable, 2, "powered off through ACPI (S5)", false)]
        public void ADeviceRequestStopsTheVmAfterItsExitWithOneReason(ushort port, uint value, int size, string reason, bool reboot)
        {
            using VcpuHarness h = NewVcpu();
            FakeVcpuHostState script = new FakeVcpuHostState(h)
                .Then(ExitReason.Cpuid)
                .Then(ExitReason.IoInstruction, Io(port, size), 1, g => g.Regs.Rax = value);

            Assert.Equal(reason, Run(h, script));

            Assert.Equal(reboot, h.Vcpu.RebootRequested);
            Assert.Equal(2, script.Entries.Count);
            Assert.Equal(VcpuHarness.Entry + 2 + 1, h.Rip);   // the write itself completed
        }

        [Fact]
        public void AFailedVmlaunchIsReportedWithItsVmInstructionError()
        {
            using VcpuHarness h = NewVcpu();
            h.Vmcs.Set((uint)VmcsField32.VmInstructionError, (ulong)VmInstructionError.VmEntryWithInvalidControlFields);
            FakeVcpuHostState script = new FakeVcpuHostState(h).Then(new ScriptedExit { Status = 2 });

            string reason = Run(h, script);

            Assert.Equal("VMLAUNCH failed: " + VmInstructionErrorNames.Name(VmInstructionError.VmEntryWithInvalidControlFields), reason);
            Assert.Equal(new[] { reason }, script.EntryFailures);
            Assert.Equal(reason, h.Vcpu.StopReason);
            Assert.Equal(0UL, h.Vcpu.Counters.Total());
        }

        [Fact]
        public void AFailedVmresumeWithoutAVmcsSaysVmFailInvalid()
        {
            using VcpuHarness h = NewVcpu();
            FakeVcpuHostState script = new FakeVcpuHostState(h)
                .Then(ExitReason.Cpuid)
                .Then(new ScriptedExit { Status = 1 });

            Assert.Equal("VMRESUME failed: VMfailInvalid (no current VMCS)", Run(h, script));
            Assert.Single(script.EntryFailures);
        }

        [Fact]
        public void AnExitReasonWithBit31StopsAsAFailedEntryWithoutDispatch()
        {
            using VcpuHarness h = NewVcpu();
            FakeVcpuHostState script = new FakeVcpuHostState(h)
                .Then(new ScriptedExit { RawReason = 0x80000000u | (ushort)ExitReason.VmEntryFailureInvalidGuestState });

            string reason = Run(h, script);

            Assert.Equal("VM entry failed: VmEntryFailureInvalidGuestState", reason);
            Assert.Equal(new[] { reason }, script.EntryFailures);
            Assert.Equal(1UL, h.Vcpu.Counters[ExitReason.VmEntryFailureInvalidGuestState]);   // counted once, not dispatched
            Assert.Equal(1UL, h.Vcpu.Counters.Total());
        }

        [Fact]
        public void ACutOffEventIsQueuedForTheNextEntry()
        {
            using VcpuHarness h = NewVcpu();
            InterruptionInformation cutOff = InterruptionInformation.ExternalInterrupt(0x30);
            FakeVcpuHostState script = new FakeVcpuHostState(h)
                .Then(new ScriptedExit { RawReason = (ushort)ExitReason.Cpuid, IdtVectoring = cutOff.Value })
                .Then(ExitReason.TripleFault);

            Run(h, script);

            Assert.False(script.Entries[0].Injected.Valid);
            Assert.Equal(cutOff.Value, script.Entries[1].Injected.Value);
        }

        [Fact]
        public void ACutOffEventIsReinjectedBeforeDispatchSoTheHandlersOwnEventWins()
        {
            using VcpuHarness h = NewVcpu();
            FakeVcpuHostState script = new FakeVcpuHostState(h)
                .Then(new ScriptedExit { RawReason = (ushort)ExitReason.Vmclear, IdtVectoring = InterruptionInformation.ExternalInterrupt(0x30).Value })
                .Then(ExitReason.TripleFault);

            Run(h, script);

            InterruptionInformation queued = script.Entries[1].Injected;
            Assert.Equal(InterruptionType.HardwareException, queued.Type);
            Assert.Equal(ExceptionVectors.InvalidOpcode, queued.Vector);
        }

        [Fact]
        public void ATimeLimitPastItsDeadlineStopsEvenWhenEveryExitIsHandled()
        {
            using VcpuHarness h = NewVcpu();
            h.Vcpu.TimeLimitSeconds = 1;
            h.Vcpu.DeadlineTsc = StartTsc + 1000;
            FakeVcpuHostState script = new FakeVcpuHostState(h)
                .Then(ExitReason.Cpuid)
                .Then(ExitReason.Cpuid, inGuest: g => g.Platform.Tsc = StartTsc + 999)
                .Then(ExitReason.Cpuid, inGuest: g => g.Platform.Tsc = StartTsc + 1000 + 2000 * 5);

            Assert.Equal("ran past its time limit of 1 s", Run(h, script));

            Assert.Equal(3UL, h.Vcpu.Counters[ExitReason.Cpuid]);
            Assert.Equal(3UL, h.Vcpu.Counters.Total());
            Assert.Contains("time limit reached; stopped 5 us after it", h.Platform.Log);
        }

        // COM1's FIFOs on (FCR bit 0), as Linux sets them: 16 bytes of room instead of 1.
        private static void EnableFifo(VcpuHarness h) => Assert.True(h.Platform.Ports.TryWrite(0x3FA, 1, 0x01));

        // Typed bytes waiting on the host console, more than COM1's receive FIFO holds.
        private static int QueueConsoleInput(VcpuHarness h, FakeVcpuHostState script)
        {
            EnableFifo(h);
            int capacity = h.Platform.Devices.Com1.ReceiveSpace;
            for (int i = 0; i < capacity + 4; i++)
                script.ConsoleInput.Enqueue((byte)('a' + i));
            return capacity;
        }

        [Fact]
        public void ConsoleInputWaitsForTheRunLoopsLookThenFillsTheFifo()
        {
            using VcpuHarness h = NewVcpu();
            FakeVcpuHostState script = new FakeVcpuHostState(h);
            int capacity = QueueConsoleInput(h, script);
            Assert.Equal(16, capacity);
            int readsBeforeLook = -1;
            script.Then(ExitReason.Cpuid)                                                         // before the look
                  .Then(ExitReason.Cpuid, inGuest: g => { readsBeforeLook = script.ConsoleReads; g.Platform.Tsc = g.Regs.RunLoopTsc; })
                  .Then(ExitReason.TripleFault);

            Run(h, script);

            Assert.Equal(0, readsBeforeLook);
            Assert.Equal(0, h.Platform.Devices.Com1.ReceiveSpace);   // filled, and no more
            Assert.Equal(4, script.ConsoleInput.Count);
            Assert.Equal(capacity, script.ConsoleReads);               // stops asking once the FIFO is full
        }

        [Fact]
        public void ConsoleInputIsForwardedWhenHaltedOrOnThePreemptionTimer()
        {
            using VcpuHarness h = NewVcpu();
            ArmPmTimer(h);
            h.Set(VmcsFieldNatural.GuestRflags, 0x2 | RflagsIf);
            EnableFifo(h);
            FakeVcpuHostState script = new FakeVcpuHostState(h);
            int capacity = h.Platform.Devices.Com1.ReceiveSpace, readsAfterHlt = -1;
            script.ConsoleInput.Enqueue((byte)'x');
            script.Then(ExitReason.Hlt, instructionLength: 1)
                  .Then(ExitReason.VmxPreemptionTimerExpired, instructionLength: 0, inGuest: g =>
                  {
                      readsAfterHlt = script.ConsoleReads;
                      script.ConsoleInput.Enqueue((byte)'y');
                      g.Vcpu.Halted = false;
                  })
                  .Then(ExitReason.TripleFault);

            Run(h, script);

            Assert.Equal(2, readsAfterHlt);    // 'x', then nothing more waiting
            Assert.Empty(script.ConsoleInput);
            Assert.Equal(capacity - 2, h.Platform.Devices.Com1.ReceiveSpace);
            Assert.Equal(4, script.ConsoleReads);   // 'x' and none more; 'y' and none more; not at the triple fault
        }

        [Fact]
        public void WithoutAPreemptionTimerConsoleInputIsForwardedAtEveryExitAndNoTimerIsArmed()
        {
            using VcpuHarness h = NewVcpu(preemptionTimer: false);
            EnableFifo(h);
            FakeVcpuHostState script = new FakeVcpuHostState(h);
            script.ConsoleInput.Enqueue((byte)'x');
            script.Then(ExitReason.Cpuid).Then(ExitReason.TripleFault);

            Run(h, script);

            Assert.Empty(script.ConsoleInput);
            Assert.Equal(3, script.ConsoleReads);   // 'x' and an empty look after the CPUID exit; one after the triple fault
            Assert.DoesNotContain(h.Vmcs.Writes, w => w.Encoding == (uint)VmcsField32.VmxPreemptionTimerValue);
            Assert.All(script.Entries, e => Assert.Equal(0UL, e.RunLoopTsc));
        }

        [Fact]
        public void EachEntryGetsTheTimerAndRunLoopTscOfTheNextLook()
        {
            using VcpuHarness h = NewVcpu();
            ulong slice = TicksPerSlice(h);
            FakeVcpuHostState script = new FakeVcpuHostState(h)
                .Then(ExitReason.Cpuid, inGuest: g =>
                {
                    g.Platform.Tsc = StartTsc + 100;
                    g.Vcpu.DeadlineTsc = StartTsc + 100 + 64000;   // the time limit before the slice's end
                })
                .Then(ExitReason.Cpuid, inGuest: g => g.Platform.Tsc = g.Vcpu.DeadlineTsc - 10)
                .Then(ExitReason.TripleFault);

            Run(h, script);

            // No device event and no time limit: one slice (10 ms at 2 GHz), timer at TSC / 32.
            Assert.Equal(20_000_000UL, slice);
            Assert.Equal(StartTsc + slice, script.Entries[0].RunLoopTsc);
            Assert.Equal((ulong)TimerExit.PreemptionTimerValue(slice, TimerShift), script.Entries[0].PreemptionTimerValue);
            Assert.Equal(625_000UL, script.Entries[0].PreemptionTimerValue);
            // The time limit comes first.
            Assert.Equal(StartTsc + 100 + 64000, script.Entries[1].RunLoopTsc);
            Assert.Equal(2000UL, script.Entries[1].PreemptionTimerValue);
            // 10 ticks left: less than one timer unit, still 1 so the entry completes and exits at once.
            Assert.Equal(h.Vcpu.DeadlineTsc, script.Entries[2].RunLoopTsc);
            Assert.Equal(1UL, script.Entries[2].PreemptionTimerValue);
        }

        [Fact]
        public void TheNextDeviceTimerEventBringsTheLookForward()
        {
            using VcpuHarness h = NewVcpu();
            ArmPmTimer(h);
            ulong eventAt = h.Platform.Devices.NextEventAt;
            h.Platform.NowNanoseconds = eventAt - 1_000_000;   // the PM timer's event 1 ms away
            FakeVcpuHostState script = new FakeVcpuHostState(h).Then(ExitReason.TripleFault);

            Run(h, script);

            ulong ticks = TimerExit.TicksUntilNextLook(1_000_000, h.Platform.TscHz, StartTsc, 0);
            Assert.Equal(2_000_000UL, ticks);
            Assert.Equal(StartTsc + ticks, script.Entries[0].RunLoopTsc);
            Assert.Equal(ticks >> TimerShift, script.Entries[0].PreemptionTimerValue);
        }
    }
}
