// Host test code. A vCPU for exit-handler tests: a FakeVmcs written by GuestStartState, a register
// block in native memory (as the kernel allocates it), and a recording IGuestPlatform. Exit()
// does what the run loop (VcpuLoop.Run) does after boot/vmx.asm has stored the exit
// information in the register block: re-inject a cut-off event, then dispatch.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using BareVisor.Core.Cpu;
using BareVisor.Core.Devices;
using BareVisor.Core.Guests;
using BareVisor.Core.Memory;
using BareVisor.Core.Tests.Fakes;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    /// <summary>What the fake platform answers and everything the handlers asked of it.</summary>
    public sealed class GuestPlatformRecorder
    {
        /// <summary>CPUID answers by (leaf, subleaf); a leaf without an exact subleaf entry uses AnySubleaf.</summary>
        public readonly Dictionary<(uint Leaf, uint Subleaf), CpuidResult> Cpuid = new Dictionary<(uint, uint), CpuidResult>();
        public readonly Dictionary<uint, CpuidResult> AnySubleaf = new Dictionary<uint, CpuidResult>();
        public readonly List<(uint Leaf, uint Subleaf)> CpuidCalls = new List<(uint, uint)>();

        /// <summary>The XCR0 currently loaded in the CPU (in the kernel: the last guest's).</summary>

        public ulong Tsc;
        public ulong TscHz = 2_000_000_000;

        /// <summary>Guest RAM from guest-physical 0; anything beyond it is not RAM.</summary>
        public byte[] Memory = new byte[1 << 20];
        public int MemoryReads;

        public readonly List<byte> Output = new List<byte>();
        public readonly List<string> Log = new List<string>();

        /// <summary>When set, port accesses go to this bus (as KernelGuestPlatform does); else to PortValues.</summary>
        public PortBus Ports;
        public readonly Dictionary<ushort, uint> PortValues = new Dictionary<ushort, uint>();
        public readonly List<(bool Write, ushort Port, int Size, uint Value)> PortLog = new List<(bool, ushort, int, uint)>();

        public MmioBus Mmio;
        public PcPlatform Devices;
        public ulong NowNanoseconds;

        public GuestPlatformRecorder()
        {
            Devices = NewPcPlatform(new PortBus(), new MmioBus());
        }

        /// <summary>A PC on the given buses, its TSC at zero when the platform's time is zero.</summary>
        public PcPlatform NewPcPlatform(PortBus ports, MmioBus mmio)
        {
            PcPlatformSettings settings = new PcPlatformSettings
            {
                ConsoleOutput = _ => { },
                UnixSeconds = 1_700_000_000,
                MemoryBelow4G = 16UL << 20,
                TscHz = TscHz,
            };
            return new PcPlatform(ports, mmio, settings);
        }

        public string OutputText => Encoding.ASCII.GetString(Output.ToArray());

        public void SetCpuid(uint leaf, uint eax, uint ebx, uint ecx, uint edx) =>
            AnySubleaf[leaf] = new CpuidResult(eax, ebx, ecx, edx);

        public void SetCpuid(uint leaf, uint subleaf, uint eax, uint ebx, uint ecx, uint edx) =>
            Cpuid[(leaf, subleaf)] = new CpuidResult(eax, ebx, ecx, edx);

        public void WriteMemory(ulong address, byte[] bytes) => Array.Copy(bytes, 0, Memory, (long)address, bytes.Length);

        public byte[] ReadMemory(ulong address, int length)
        {
            byte[] bytes = new byte[length];
            Array.Copy(Memory, (long)address, bytes, 0, length);
            return bytes;
        }

        internal bool InRam(ulong address, int length) =>
            address <= (ulong)Memory.Length && (ulong)length <= (ulong)Memory.Length - address;
    }

    public struct FakeGuestPlatform : IGuestPlatform
    {
        public readonly GuestPlatformRecorder R;

        public FakeGuestPlatform(GuestPlatformRecorder recorder) { R = recorder; }

        public CpuidResult HostCpuid(uint leaf, uint subleaf)
        {
            R.CpuidCalls.Add((leaf, subleaf));
            if (R.Cpuid.TryGetValue((leaf, subleaf), out CpuidResult exact))
                return exact;
            return R.AnySubleaf.TryGetValue(leaf, out CpuidResult any) ? any : default;
        }


        public ulong ReadTsc() => R.Tsc;

        public ulong TscHz => R.TscHz;

        public bool TryReadGuestMemory(GuestPhysical address, Span<byte> destination)
        {
            R.MemoryReads++;
            if (!R.InRam(address.Value, destination.Length))
                return false;
            R.Memory.AsSpan((int)address.Value, destination.Length).CopyTo(destination);
            return true;
        }

        public bool TryWriteGuestMemory(GuestPhysical address, ReadOnlySpan<byte> source)
        {
            if (!R.InRam(address.Value, source.Length))
                return false;
            source.CopyTo(R.Memory.AsSpan((int)address.Value));
            return true;
        }

        public void GuestOutput(ReadOnlySpan<byte> text) => R.Output.AddRange(text.ToArray());

        public void Log(string message) => R.Log.Add(message);

        public void HostNmi() => R.Log.Add("host NMI");

        public uint PortRead(ushort port, int size)
        {
            uint value;
            if (R.Ports != null)
                R.Ports.TryRead(port, size, out value);
            else
                value = R.PortValues.TryGetValue(port, out uint v) ? v : PortBus.AllOnes(size);
            R.PortLog.Add((false, port, size, value));
            return value;
        }

        public void PortWrite(ushort port, int size, uint value)
        {
            R.PortLog.Add((true, port, size, value));
            R.Ports?.TryWrite(port, size, value);
        }

        public MmioBus Mmio => R.Mmio;

        public PcPlatform Devices => R.Devices;

        public ulong NowNanoseconds => R.NowNanoseconds;
    }

    public sealed unsafe class VcpuHarness : IDisposable
    {
        public const ulong Entry = 0x1000, Stack = 0x8000, LongModeCr3 = 0x10000;

        public readonly FakeVmcsState Vmcs = new FakeVmcsState();
        public readonly GuestPlatformRecorder Platform = new GuestPlatformRecorder();
        public Vcpu<FakeVmcs, FakeGuestPlatform> Vcpu;
        private GuestRegisters* _registers;

        public VcpuHarness(GuestStartMode mode = GuestStartMode.Protected)
        {
            _registers = (GuestRegisters*)NativeMemory.AlignedAlloc((nuint)sizeof(GuestRegisters), 64);
            *_registers = default;
            _registers->ResetFpu();
            Vcpu.Vmcs = new FakeVmcs(Vmcs);
            Vcpu.Platform = new FakeGuestPlatform(Platform);
            Vcpu.Registers = _registers;
            Vcpu.Counters = ExitCounters.Create();
            Vcpu.Reported = new ReportedOnce();
            Vcpu.GuestXcr0 = 1;
            GuestStartState.Apply(ref Vcpu.Vmcs, GuestStartState.ForModuleGuest(mode, Entry, Stack, mode == GuestStartMode.Long ? LongModeCr3 : 0));
            uint entryControls = (uint)(EntryControls.LoadIa32Efer | EntryControls.LoadIa32Pat)
                | (mode == GuestStartMode.Long ? (uint)EntryControls.Ia32eModeGuest : 0);
            Vcpu.Vmcs.Write(VmcsField32.VmEntryControls, entryControls);
            _registers->Rip = Entry;
        }

        public ref GuestRegisters Regs => ref *_registers;

        public ulong Rip { get => _registers->Rip; set => _registers->Rip = value; }

        /// <summary>A VM exit as boot/vmx.asm reports it, then what VcpuLoop.Run does with it.</summary>
        public ExitAction Exit(ExitReason reason, ulong qualification = 0, int instructionLength = 2, uint idtVectoring = 0)
        {
            Vcpu.Cpuid ??= CpuidCache.Build(ref Vcpu.Platform);
            StoreExit((ushort)reason, qualification, instructionLength, idtVectoring);
            if ((idtVectoring & InterruptionInformation.ValidBit) != 0)
                EventExit.ReinjectCutOffEvent(ref Vcpu);
            return ExitDispatcher.Dispatch(ref Vcpu, (ushort)reason);
        }

        /// <summary>
        /// The exit information as the CPU and boot/vmx.asm leave it: in the register block and the
        /// VMCS (rawReason may have bit 31 set: a failed entry).
        /// </summary>
        public void StoreExit(uint rawReason, ulong qualification, int instructionLength, uint idtVectoring)
        {
            _registers->ExitReason = rawReason;
            _registers->ExitQualification = qualification;
            _registers->ExitInstructionLength = (ulong)instructionLength;
            _registers->IdtVectoringInformation = idtVectoring;
            Vmcs.Set((uint)VmcsField32.ExitReason, rawReason);
            Vmcs.Set((uint)VmcsFieldNatural.ExitQualification, qualification);
            Vmcs.Set((uint)VmcsField32.VmExitInstructionLength, (ulong)instructionLength);
            Vmcs.Set((uint)VmcsField32.IdtVectoringInformationField, idtVectoring);
        }

        // VMCS shortcuts for assertions.
        public ulong Get(VmcsFieldNatural field) => Vmcs.Get((uint)field);
        public ulong Get(VmcsField64 field) => Vmcs.Get((uint)field);
        public ulong Get(VmcsField32 field) => Vmcs.Get((uint)field);
        public ulong Get(VmcsField16 field) => Vmcs.Get((uint)field);
        public void Set(VmcsFieldNatural field, ulong value) => Vmcs.Set((uint)field, value);
        public void Set(VmcsField64 field, ulong value) => Vmcs.Set((uint)field, value);
        public void Set(VmcsField32 field, ulong value) => Vmcs.Set((uint)field, value);

        /// <summary>The event queued for the next VM entry (Valid is false when none).</summary>
        public InterruptionInformation Injected => new InterruptionInformation((uint)Get(VmcsField32.VmEntryInterruptionInformationField));

        public ulong InjectedErrorCode => Get(VmcsField32.VmEntryExceptionErrorCode);

        /// <summary>Asserts that exactly a hardware exception with this vector is queued, and its error code (null: none delivered).</summary>
        public void AssertInjected(byte vector, uint? errorCode)
        {
            InterruptionInformation info = Injected;
            Assert.True(info.Valid, "no event was injected");
            Assert.Equal(vector, info.Vector);
            Assert.Equal(InterruptionType.HardwareException, info.Type);
            Assert.Equal(errorCode.HasValue, info.ErrorCodeValid);
            Assert.Equal(0u, info.Value & 0x7FFFF000u);   // bits 30:12 are reserved in the VM-entry field
            if (errorCode.HasValue)
                Assert.Equal((ulong)errorCode.Value, InjectedErrorCode);
        }

        public void AssertNothingInjected() => Assert.False(Injected.Valid, "an event was injected: 0x" + Injected.Value.ToString("x"));

        public void Dispose()
        {
            if (_registers != null)
                NativeMemory.AlignedFree(_registers);
            _registers = null;
        }
    }
}
