// The run loop of one vCPU, from its first VM entry until it stops: before each entry load the
// guest's XCR0, deliver pending events and arm the VMX-preemption timer; enter; decode the exit
// (an entry that failed outright, or failed its guest-state checks: exit reason bit 31);
// re-inject an event the exit cut off; dispatch; then forward console input when due, enforce the
// time limit and act on what the devices asked (DeviceRequests), each of the last two only while
// the guest would otherwise resume. The kernel drives it with the real VMCS and boot/vmx.asm's
// entry, the tests with fakes. VMX root, interrupts off; allocates nothing until the vCPU stops.
using BareVisor.Core.Devices;
using BareVisor.Core.Vmx;

namespace BareVisor.Core.Vmx.Exits
{
    public static unsafe class VcpuLoop
    {
        private const uint FailedEntryBit = 0x80000000u;

        // Enters the guest until it stops; returns why (also in vcpu.StopReason).
        public static string Run<TVmcs, TPlatform, THost>(ref Vcpu<TVmcs, TPlatform> vcpu, ref THost host)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
            where THost : struct, IVcpuHost
        {
            for (bool launched = false; ; launched = true)
            {
                host.LoadGuestXcr0(vcpu.GuestXcr0);
                ulong now = vcpu.Platform.NowNanoseconds;
                InterruptDelivery.BeforeEntry(ref vcpu, now);
                if (vcpu.HasPreemptionTimer)
                    ArmPreemptionTimer(ref vcpu, vcpu.Platform.Devices.NextEventAt, now);
                if (!launched)
                    host.MarkFirstEntry();
                int status = host.Enter(vcpu.Registers, launched);
                if (status != 0)
                    return EntryFailed(ref vcpu, ref host, DescribeFailedInstruction(ref vcpu.Vmcs, status, launched));
                uint reason = (uint)vcpu.Registers->ExitReason;
                if ((reason & FailedEntryBit) != 0)
                {
                    vcpu.Counters.Count((ushort)reason);
                    return EntryFailed(ref vcpu, ref host, "VM entry failed: " + ExitReasonNames.Name((ExitReason)(ushort)reason));
                }
                if ((vcpu.Registers->IdtVectoringInformation & InterruptionInformation.ValidBit) != 0)
                    EventExit.ReinjectCutOffEvent(ref vcpu);
                ExitAction action = ExitDispatcher.Dispatch(ref vcpu, (ushort)reason);
                // Written out here rather than in a method of its own: a call frame on every exit
                // costs the slow exits about 25 instructions (build.ps1 bench).
                ulong tsc = vcpu.Platform.ReadTsc();
                if (vcpu.Halted || (ushort)reason == (ushort)ExitReason.VmxPreemptionTimerExpired || tsc >= vcpu.Registers->RunLoopTsc)
                    ForwardConsoleInput(ref vcpu, ref host);
                // A guest that exits all the time uses little guest time but much host time.
                if (action == ExitAction.Resume && vcpu.DeadlineTsc != 0 && tsc >= vcpu.DeadlineTsc)
                    action = TimerExit.Handle(ref vcpu);
                DeviceRequests requests = vcpu.Platform.Devices.Requests;
                if (action == ExitAction.Resume && requests.Pending != DeviceRequest.None)
                {
                    vcpu.RebootRequested = requests.Pending == DeviceRequest.Reset;
                    action = vcpu.Stop(requests.StopReason);
                }
                if (action == ExitAction.StopGuest)
                    return vcpu.StopReason;
            }
        }

        // Until the next device timer event, the end of the slice or the time limit: the timer for
        // the entry, and the TSC value from which the exit stub's fast path leaves exits to the run loop.
        private static void ArmPreemptionTimer<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, ulong next, ulong now)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            ulong tsc = vcpu.Platform.ReadTsc();
            ulong ticks = TimerExit.TicksUntilNextLook(next <= now ? 0 : next - now, vcpu.Platform.TscHz, tsc, vcpu.DeadlineTsc);
            vcpu.Registers->RunLoopTsc = tsc + ticks;
            vcpu.Vmcs.Write(VmcsField32.VmxPreemptionTimerValue, TimerExit.PreemptionTimerValue(ticks, (int)vcpu.Registers->PreemptionTimerShift));
        }

        // What is typed on BareVisor's console goes to the guest's COM1, as far as its receive
        // FIFO has room (the UART's own 16 bytes; the host console holds the rest). Polled when the
        // guest waits in HLT or at each of the run loop's looks, so an idle guest, and one that
        // keeps exiting through the fast path, still hears its console.
        private static void ForwardConsoleInput<TVmcs, TPlatform, THost>(ref Vcpu<TVmcs, TPlatform> vcpu, ref THost host)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
            where THost : struct, IVcpuHost
        {
            Uart16550 com1 = vcpu.Platform.Devices.Com1;
            while (com1.ReceiveSpace > 0 && host.TryReadConsoleInput(out byte value))
                com1.Receive(value);
        }

        // VMLAUNCH or VMRESUME failed outright: VMfailInvalid (status 1) has no VMCS to hold an
        // error; VMfailValid (2) leaves its VM-instruction error in the current VMCS.
        private static string DescribeFailedInstruction<TVmcs>(ref TVmcs vmcs, int status, bool launched)
            where TVmcs : struct, IVmcs
        {
            string instruction = launched ? "VMRESUME" : "VMLAUNCH";
            if (status == 1)
                return instruction + " failed: VMfailInvalid (no current VMCS)";
            string error = vmcs.TryRead((uint)VmcsField32.VmInstructionError, out ulong number)
                ? VmInstructionErrorNames.Name((VmInstructionError)number)
                : "no current VMCS";
            return instruction + " failed: " + error;
        }

        private static string EntryFailed<TVmcs, TPlatform, THost>(ref Vcpu<TVmcs, TPlatform> vcpu, ref THost host, string reason)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
            where THost : struct, IVcpuHost
        {
            host.ReportEntryFailure(reason);
            vcpu.Stop(reason);
            return reason;
        }
    }
}
