// One guest: per VM its MSR and I/O bitmaps, memory under EPT, port and MMIO devices; per vCPU
// (one) its VMCS and registers. Builds them, then hands the vCPU to Core's VcpuLoop until it
// stops. Set-up allocates; the loop runs in VMX root with interrupts off and allocates nothing on
// the common exits.
using System;
using BareVisor.Core.Boot;
using BareVisor.Core.Devices;
using BareVisor.Core.Guests;
using BareVisor.Core.Memory;
using BareVisor.Core.Text;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.Console;
using BareVisor.Kernel.Memory;
using BareVisor.Kernel.Platform;
using BareVisor.Kernel.Smp;

namespace BareVisor.Kernel.Vmx
{
    internal sealed unsafe class VirtualMachine
    {
        // The next VPID to hand out, under Locks.Vpids (VMs may be set up on any CPU); 0 is the
        // host's and never given to a guest (SDM Vol. 3C 28.1).
        private static ushort s_nextVpid = 1;

        // Set by `fault=vm-entry`: the next guest gets an invalid guest state (RFLAGS bit 1 clear),
        // so tests can check how a failed VM entry is reported.
        internal static bool BreakNextGuestState;

        private const ulong SingleContext = 1;

        // Per VM: what the guest is, its memory under EPT, its bitmaps, buses and devices.
        private readonly GuestDefinition _guest;
        private readonly GuestMemory _memory;
        private readonly HostPhysical _msrBitmap, _ioBitmapA, _ioBitmapB;
        private ushort _vpid;
        private readonly PortBus _ports = new PortBus();
        private readonly MmioBus _mmio = new MmioBus();
        private readonly DebugConsole _console;
        private KernelGuestPlatform _platform;

        // Per vCPU (one today): its VMCS, the registers boot/vmx.asm saves, and whether its CPU
        // has the VMX-preemption timer.
        private readonly HostPhysical _vmcs;
        private readonly GuestRegisters* _registers;
        private bool _timer;

        // Guest RAM above this is reported to the guest's CMOS as memory above 4 GiB.
        private const ulong LowMemoryLimit = 0xC0000000;

        internal string Name => _guest.Name;

        /// <summary>The VPID this VM's translations are tagged with (0: the CPU has no VPID).</summary>
        internal ushort Vpid => _vpid;

        internal ulong Eptp => _memory.Eptp;

        private VirtualMachine(GuestDefinition spec, GuestMemory memory)
        {
            _guest = spec;
            _memory = memory;
            _vmcs = VmxRoot.AllocateVmxRegion(VmxRoot.Capabilities.VmcsRevision);
            _msrBitmap = AllocateFilled(0xFF);
            _ioBitmapA = AllocateFilled(0xFF);
            _ioBitmapB = AllocateFilled(0xFF);
            _registers = (GuestRegisters*)KernelHeap.AllocateZeroed(sizeof(GuestRegisters), 64);
            _registers->ResetFpu();
            _platform = new KernelGuestPlatform { Name = spec.Name, Memory = memory, Ports = _ports, MmioDevices = _mmio, Reported = new ReportedOnce() };
            KernelGuestPlatform platform = _platform;
            _console = new DebugConsole((line, length) => platform.GuestOutput(new ReadOnlySpan<byte>(line, 0, length)));
            _ports.TryClaim(DebugConsole.Port, 1, _console);
            _ports.TryClaim(PostCodePort.Port, 1, new PostCodePort());
            _platform.StartTsc = Native.ReadTsc();
            PcPlatformSettings pc = new PcPlatformSettings
            {
                ConsoleOutput = b => SerialPort.Write((char)b),
                UnixSeconds = HostRtc.UnixSeconds(),
                MemoryBelow4G = System.Math.Min(spec.MemoryBytes, LowMemoryLimit),
                MemoryAbove4G = spec.MemoryBytes > LowMemoryLimit ? spec.MemoryBytes - LowMemoryLimit : 0,
                TscHz = Platform.Clock.TscHz,
                TscAtZero = _platform.StartTsc,
            };
            // EPT maps RAM only below MemoryBytes: the APIC pages reach the MMIO bus through EPT
            // violations (the xAPIC page through APIC-access exits where the CPU has them).
            _platform.PcDevices = new PcPlatform(_ports, _mmio, pc);
            foreach (uint msr in MsrPolicy.PassThroughMsrs)
                new MsrBitmap(Page(_msrBitmap)).PassThrough(msr);
        }

        internal static VirtualMachine Create(GuestDefinition guest, in ControlPlan plan)
        {
            GuestMemory memory = GuestMemory.Create(guest.MemoryBytes, VmxRoot.Capabilities.EptVpidCap);
            VirtualMachine vm = new VirtualMachine(guest, memory);
            if (guest.Plan != null)
            {
                LoadPlanCopier.Copy(guest.Plan, guest.Image, guest.PlanModules, memory);
                memory.TryWrite(new GuestPhysical(guest.Acpi.Address), guest.Acpi.Blob);
            }
            else
                CopyModuleImage(guest, memory);
            vm.WriteVmcs(plan);
            return vm;
        }

        private static void CopyModuleImage(GuestDefinition guest, GuestMemory memory)
        {
            IdentityMappedMemory host = default;
            memory.TryWrite(new GuestPhysical(guest.LoadAddress), host.Read(guest.Image.Range.Start, (int)guest.Image.Range.Length));
            if (guest.BuildPageTables)
                LongModePageTables.Build(memory);
        }

        private void WriteVmcs(in ControlPlan plan)
        {
            Native.VmClear(_vmcs.Value);
            Native.VmPtrLoad(_vmcs.Value);
            HardwareVmcs vmcs = default;
            // The preemption timer wakes halted vCPUs for device timers and enforces time limits.
            _timer = plan.HasPreemptionTimer;
            vmcs.Write(VmcsField32.PinBasedVmExecutionControls, plan.PinBased);
            vmcs.Write(VmcsField32.PrimaryProcessorBasedVmExecutionControls, plan.Primary);
            vmcs.Write(VmcsField32.SecondaryProcessorBasedVmExecutionControls, plan.Secondary);
            vmcs.Write(VmcsField32.PrimaryVmExitControls, plan.Exit);
            if (!_timer && _guest.TimeLimitSeconds != 0)
                _platform.Log("time limit not enforced: this CPU has no VMX-preemption timer");
            uint entry = plan.Entry | (_guest.Start.Mode == GuestStartMode.Long ? (uint)EntryControls.Ia32eModeGuest : 0);
            vmcs.Write(VmcsField32.VmEntryControls, entry);
            vmcs.Write(VmcsField32.ExceptionBitmap, EventExit.InterceptedExceptions);
            vmcs.Write(VmcsField64.AddressOfMsrBitmaps, _msrBitmap.Value);
            vmcs.Write(VmcsField64.AddressOfIoBitmapA, _ioBitmapA.Value);
            vmcs.Write(VmcsField64.AddressOfIoBitmapB, _ioBitmapB.Value);
            vmcs.Write(VmcsField64.EptPointer, _memory.Eptp);
            if (plan.HasApicAccessPage)
            {
                vmcs.Write(VmcsField64.ApicAccessAddress, VmxRoot.ApicAccessPage.Value);
                _memory.MapApicAccessPage(VmxRoot.ApicAccessPage);
            }
            if (plan.HasVpid)
            {
                _vpid = TakeVpid();
                vmcs.Write(VmcsField16.VirtualProcessorIdentifier, _vpid);
            }
            HostState.Write(ref vmcs);
            GuestStartState.Apply(ref vmcs, _guest.Start);
            _registers->Rip = vmcs.Read(VmcsFieldNatural.GuestRip);
            _registers->Rax = _guest.Start.Rax;
            _registers->Rbx = _guest.Start.Rbx;
            _registers->Rsi = _guest.Start.Rsi;
            if (BreakNextGuestState)
            {
                BreakNextGuestState = false;
                vmcs.Write(VmcsFieldNatural.GuestRflags, 0);
            }
        }

        // Builds the vCPU and runs it (VcpuLoop) until it stops; returns why.
        internal string Run(out ExitCounters counters)
        {
            Vcpu<HardwareVmcs, KernelGuestPlatform> vcpu = default;
            vcpu.Registers = _registers;
            vcpu.Platform = _platform;
            vcpu.Counters = ExitCounters.Create();
            vcpu.Reported = _platform.Reported;
            vcpu.Cpuid = CpuidCache.Build(ref vcpu.Platform);
            _registers->CpuidTable = vcpu.Cpuid.BasicTableAddress;
            // Without the preemption timer nothing would bound how long the fast path keeps the
            // guest from the run loop: every CPUID exit then goes through it.
            _registers->CpuidFastMask = _timer ? vcpu.Cpuid.BasicFastMask : 0;
            _registers->PreemptionTimerShift = VmxRoot.Capabilities.Misc & 0x1F;
            _registers->ExitCounts = vcpu.Counters.Address;
            vcpu.GuestXcr0 = 1;
            vcpu.TimeLimitSeconds = _guest.TimeLimitSeconds;
            vcpu.HasPreemptionTimer = _timer;
            if (_guest.TimeLimitSeconds != 0)
                vcpu.DeadlineTsc = Native.ReadTsc() + _guest.TimeLimitSeconds * Platform.Clock.TscHz;
            counters = vcpu.Counters;
            ClearInheritedMsrs();
            KernelVcpuHost host = default;
            string reason = VcpuLoop.Run(ref vcpu, ref host);
            _console.Flush();
            RebootRequested = vcpu.RebootRequested;
            return reason;
        }

        internal bool RebootRequested { get; private set; }

        // For the exit report: what the guest's devices could not do (null when nothing).
        internal string DroppedByDevices => _platform.PcDevices.DescribeDropped();

        // The SYSCALL and SWAPGS MSRs pass through; a guest must not see the previous guest's.
        private static void ClearInheritedMsrs()
        {
            foreach (uint msr in MsrPolicy.ClearedAtGuestStart)
                Native.TryWriteMsr(msr, 0);
        }

        // The guest's EPT pages and VPID will be reused: drop what the CPU cached from them, and
        // report each invalidation with the CPU's answer, since a skipped or refused one lets the
        // next VM see this one's pages.
        internal void Destroy()
        {
            Native.VmClear(_vmcs.Value);
            ulong* descriptor = stackalloc ulong[2];
            descriptor[0] = _memory.Eptp;
            descriptor[1] = 0;
            int invept = Native.InvEpt(SingleContext, descriptor);
            int invvpid = 0;
            if (_vpid != 0)
            {
                descriptor[0] = _vpid;
                invvpid = Native.InvVpid(SingleContext, descriptor);
            }
            ReportInvalidation(invept, invvpid);
            _memory.Destroy();
            PhysicalMemory.Free(_vmcs, 1);
            PhysicalMemory.Free(_msrBitmap, 1);
            PhysicalMemory.Free(_ioBitmapA, 1);
            PhysicalMemory.Free(_ioBitmapB, 1);
        }

        // "vm NAME: translations invalidated: INVEPT single-context EPTP 0x.., INVVPID single-context
        // VPID n", or, when the CPU refused one, an error naming it and its VMfail status.
        private void ReportInvalidation(int invept, int invvpid)
        {
            bool refused = invept != 0 || invvpid != 0;
            TextBuffer line = new TextBuffer(stackalloc char[240]);
            line.Append("vm ");
            line.Append(Name);
            line.Append(refused ? ": invalidation refused: " : ": translations invalidated: ");
            line.Append("INVEPT single-context EPTP ");
            line.AppendHexPrefixed(_memory.Eptp, 1);
            AppendRefusal(ref line, invept);
            if (_vpid != 0)
            {
                line.Append(", INVVPID single-context VPID ");
                line.AppendDecimal(_vpid);
                AppendRefusal(ref line, invvpid);
            }
            if (!refused)
            {
                Log.Info(line.Text);
                return;
            }
            line.Append("; the next VM may see this one's cached translations");
            Log.Error(line.Text);
        }

        // Status as boot/vmx.asm's VMX_STATUS gives it: 1 VMfailInvalid, 2 VMfailValid.
        private static void AppendRefusal(ref TextBuffer line, int status)
        {
            if (status != 0)
                line.Append(status == 1 ? " (VMfailInvalid)" : " (VMfailValid)");
        }

        private static HostPhysical AllocateFilled(byte value)
        {
            HostPhysical page = PhysicalMemory.AllocatePage();
            Page(page).Fill(value);
            return page;
        }

        private static Span<byte> Page(HostPhysical page) => new Span<byte>((void*)page.Value, 4096);

        private static ushort TakeVpid()
        {
            ulong rflags = Locks.Vpids.Enter();
            ushort vpid = s_nextVpid;
            s_nextVpid = (ushort)(s_nextVpid == ushort.MaxValue ? 1 : s_nextVpid + 1);
            Locks.Vpids.Exit(rflags);
            return vpid;
        }
    }
}
