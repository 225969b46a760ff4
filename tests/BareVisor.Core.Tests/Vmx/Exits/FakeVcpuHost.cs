// Host test code. An IVcpuHost whose VM entries play a scripted exit sequence on a VcpuHarness:
// each Enter records what the run loop left for the entry (XCR0, preemption timer value,
// RunLoopTsc, the event queued), runs the step's action (time passing, the guest's registers),
// then stores the step's exit information as the CPU and boot/vmx.asm would. Also records the
// first-entry mark and failure reports, and serves console input from a queue.
using System;
using System.Collections.Generic;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    /// <summary>One scripted VM entry: how it fails (Status) or which exit ends it.</summary>
    public sealed class ScriptedExit
    {
        public uint RawReason;
        public ulong Qualification;
        public int InstructionLength = 2;
        public uint IdtVectoring;
        public int Status;

        /// <summary>Runs while "in the guest", before the exit is stored.</summary>
        public Action<VcpuHarness> InGuest;

        public static ScriptedExit Of(ExitReason reason, ulong qualification = 0, int instructionLength = 2) =>
            new ScriptedExit { RawReason = (ushort)reason, Qualification = qualification, InstructionLength = instructionLength };
    }

    /// <summary>What the run loop left in place at one VM entry.</summary>
    public readonly record struct RecordedEntry(bool Launched, ulong Xcr0, ulong PreemptionTimerValue, ulong RunLoopTsc, ulong Tsc, InterruptionInformation Injected);

    public sealed class FakeVcpuHostState
    {
        public readonly VcpuHarness Harness;
        public readonly Queue<ScriptedExit> Script = new Queue<ScriptedExit>();
        public readonly List<RecordedEntry> Entries = new List<RecordedEntry>();

        /// <summary>Calls in order: "xcr0", "mark", "enter".</summary>
        public readonly List<string> Calls = new List<string>();
        public readonly List<string> EntryFailures = new List<string>();
        public readonly Queue<byte> ConsoleInput = new Queue<byte>();
        public int ConsoleReads;
        public ulong LoadedXcr0;

        public FakeVcpuHostState(VcpuHarness harness) { Harness = harness; }

        public FakeVcpuHostState Then(ScriptedExit exit)
        {
            Script.Enqueue(exit);
            return this;
        }

        public FakeVcpuHostState Then(ExitReason reason, ulong qualification = 0, int instructionLength = 2, Action<VcpuHarness> inGuest = null)
        {
            ScriptedExit exit = ScriptedExit.Of(reason, qualification, instructionLength);
            exit.InGuest = inGuest;
            return Then(exit);
        }
    }

    public unsafe struct FakeVcpuHost : IVcpuHost
    {
        public readonly FakeVcpuHostState S;

        public FakeVcpuHost(FakeVcpuHostState state) { S = state; }

        public int Enter(GuestRegisters* registers, bool launched)
        {
            VcpuHarness h = S.Harness;
            S.Calls.Add("enter");
            Assert.True(S.Script.Count > 0, "the run loop entered the guest after the last scripted exit");
            Assert.True(registers == h.Vcpu.Registers, "entered with another register block");
            ScriptedExit exit = S.Script.Dequeue();
            InterruptionInformation injected = h.Injected;
            S.Entries.Add(new RecordedEntry(launched, S.LoadedXcr0, h.Get(VmcsField32.VmxPreemptionTimerValue),
                registers->RunLoopTsc, h.Platform.Tsc, injected));
            if (exit.Status != 0)
                return exit.Status;
            // Every VM exit clears the valid bit of the VM-entry interruption field (SDM 27.2).
            h.Set(VmcsField32.VmEntryInterruptionInformationField, injected.Value & ~InterruptionInformation.ValidBit);
            exit.InGuest?.Invoke(h);
            h.StoreExit(exit.RawReason, exit.Qualification, exit.InstructionLength, exit.IdtVectoring);
            return 0;
        }

        public void LoadGuestXcr0(ulong xcr0)
        {
            S.Calls.Add("xcr0");
            S.LoadedXcr0 = xcr0;
        }

        public void MarkFirstEntry() => S.Calls.Add("mark");

        public void ReportEntryFailure(string reason) => S.EntryFailures.Add(reason);

        public bool TryReadConsoleInput(out byte value)
        {
            S.ConsoleReads++;
            return S.ConsoleInput.TryDequeue(out value);
        }
    }
}
