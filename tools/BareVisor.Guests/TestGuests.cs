// Host side. The guests of BareVisor's VMX test run, one method each, and the order the ISO
// runs them in: well-behaved guests first (one per exit family), then the hostile ones, then a
// guest that must still work after them.
using System.Collections.Generic;
using System.Text;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;
using static BareVisor.Guests.GuestCode;

namespace BareVisor.Guests;

public static class TestGuests
{
    /// <summary>Where the EPT guests reach: far outside their RAM and no device there.</summary>
    public const uint EptReadAddress = 0x40000000;
    public const uint EptWriteAddress = 0x50000000;
    public const uint EptExecuteAddress = 0x60000000;

    public const int HammerCount = 10000;

    public const string ProtectedModeMessage = "hello from protected mode via vmcall";
    public const string LongModeMessage = "hello from long mode via vmcall";
    public const string StillWorksMessage = "still working after the hostile guests";
    public const string RepOutsbMessage = "text written by rep outsb";
    public const string OutDxMessage = "text written by out dx";

    /// <summary>The status of the power-off hypercall prot-vmx makes from ring 3 (which must fail).</summary>
    public const ulong Ring3PowerOffStatus = 99;

    /// <summary>Status the protected-mode guest powers off with, to see the status pass through.</summary>
    public const ulong ProtectedModePowerOffStatus = 42;

    /// <summary>
    /// The kernel command line of the suite's run: `fault=vm-entry` makes BareVisor give the first
    /// guest (entry-failure) an invalid guest state, so its VM-entry failure report is tested;
    /// `loglevel=debug` adds the CPU's own CPUID answers, which cpuid-leaves' answers are checked against.
    /// </summary>
    public const string KernelCommandLine = "fault=vm-entry loglevel=debug";

    /// <summary>How BareVisor reports entry-failure's VM entry.</summary>
    public const string EntryFailureStop = "VM entry failed: VmEntryFailureInvalidGuestState";

    /// <summary>
    /// The test run's guests, in the order BareVisor runs them: the guest modules, then the
    /// Multiboot kernels, which are VMs of the run's configuration file.
    /// </summary>
    public static IReadOnlyList<GuestImage> Suite() =>
    [
        EntryFailure(),
        RealModeCpuid(),
        CpuidGuests.AllLeaves(),
        RealModeIo(),
        ProtectedMode(),
        LongMode(),
        LongModeXsetbv(),
        Mmio(),
        RealModeMsr(),
        SleepUntilTimer(),
        CpuidGuests.FastPathWithTimer(),
        VmxInstructions(),
        EptRead(),
        EptWrite(),
        EptExecute(),
        TripleFault(),
        HaltWithInterruptsDisabled(),
        SpinForever(),
        HammerPortForever(),
        CpuidGuests.FastPathSpin(),
        Reboot(),
        StaleTranslationGuests.Writer(),
        StaleTranslationGuests.Reader(),
        StillWorks(),
        PlatformGuest.Kernel(),
        Multiboot2Guest.Kernel(),
    ];

    /// <summary>The names of the hostile guests, after which <see cref="StillWorks"/> runs.</summary>
    public static readonly IReadOnlyList<string> HostileGuests =
        ["entry-failure", "real-msr", "prot-vmx", "ept-execute", "triple-fault", "hlt-cli", "spin", "hammer", "cpuid-spin", "reboot"];

    /// <summary>Timer interrupts the sleeper waits for with HLT.</summary>
    public const int SleeperTicks = 10;

    // Programs the guest's PIC and PIT (GuestTimer), then sleeps with STI; HLT until its timer
    // handler has counted SleeperTicks interrupts. BareVisor puts the
    // vCPU in the HLT state and wakes it with the VMX-preemption timer for each PIT tick.
    public static GuestImage SleepUntilTimer()
    {
        var p = new GuestProgram("sleeper", GuestMode.Real, "HLT wakes on device timer interrupts", memoryMiB: 4);
        ulong counter = p.Layout.Scratch;
        p.Emit(a =>
        {
            Label wait = a.CreateLabel();
            GuestTimer.EmitPitAt1kHz(p, a, counter);
            a.sti();
            a.Label(ref wait);
            a.hlt();
            a.cmp(__word_ptr[counter], SleeperTicks);
            a.jb(wait);
            a.cli();
        });
        p.CheckEqual("woken-by-timer-interrupts", a => a.movzx(eax, __word_ptr[counter]), SleeperTicks);
        p.PowerOff(0);
        return p.Build();
    }

    // Never runs: its VM entry fails (see KernelCommandLine).
    public static GuestImage EntryFailure()
    {
        var p = new GuestProgram("entry-failure", GuestMode.Real, "VM entry with an invalid guest state", memoryMiB: 4);
        p.PowerOff(0);
        p.ExpectedStop = EntryFailureStop;
        return p.Build();
    }

    public static GuestImage RealModeCpuid()
    {
        var p = new GuestProgram("real-cpuid", GuestMode.Real, "CPUID leaves as the guest sees them", memoryMiB: 4);
        p.CheckEqual("vendor-is-intel", Cpuid(0, ebx), IntelEbx);
        p.Check("hypervisor-leaf-range", a =>
        {
            Cpuid(HypervisorLeaf, eax)(a);
            a.cmp(eax, HypervisorLeaf + 1);
            a.sbb(eax, eax); // 0 (ZF = 1) when EAX >= 0x40000001
        }, "CPUID.40000000h:EAX is below 0x40000001");
        p.CheckEqual("hypervisor-signature-ebx", Cpuid(HypervisorLeaf, ebx), SignatureEbx);
        p.CheckEqual("hypervisor-signature-ecx", Cpuid(HypervisorLeaf, ecx), SignatureEcx);
        p.CheckEqual("hypervisor-signature-edx", Cpuid(HypervisorLeaf, edx), SignatureEdx);
        p.CheckEqual("hypervisor-leaf-1-abi-version", Cpuid(HypervisorLeaf + 1, eax), Hypercall.Version);
        p.CheckEqual("hypervisor-leaf-1-features", Cpuid(HypervisorLeaf + 1, ebx), Hypercall.Features, mask: Hypercall.Features);
        p.CheckEqual("hypervisor-bit-set", Cpuid(1, ecx), Leaf1EcxHypervisor, mask: Leaf1EcxHypervisor);
        p.CheckEqual("vmx-hidden", Cpuid(1, ecx), 0, mask: Leaf1EcxVmx);
        p.CheckEqual("smx-hidden", Cpuid(1, ecx), 0, mask: Leaf1EcxSmx);
        p.PowerOff(0);
        return p.Build();
    }

    public static GuestImage RealModeIo()
    {
        var p = new GuestProgram("real-io", GuestMode.Real, "port I/O: console, unclaimed port, string I/O", memoryMiB: 4);
        p.InstallExceptionHandlers();
        ulong buffer = p.Layout.Scratch;
        p.CheckEqual("in-byte-unclaimed", a =>
        {
            a.mov(dx, UnclaimedPort);
            a.mov(eax, 0x12345678u);
            a.@in(al, dx);
        }, 0x123456FF);
        p.CheckEqual("in-word-unclaimed", a =>
        {
            a.mov(dx, UnclaimedPort);
            a.mov(eax, 0x12345678u);
            a.@in(ax, dx);
        }, 0x1234FFFF);
        p.CheckEqual("in-dword-unclaimed", a =>
        {
            a.mov(dx, UnclaimedPort);
            a.xor(eax, eax);
            a.@in(eax, dx);
        }, 0xFFFFFFFF);
        p.Check("rep-insb-unclaimed", a =>
        {
            Label done = a.CreateLabel();
            for (ulong i = 0; i < 20; i += 4)
                a.mov(__dword_ptr[buffer + i], 0u);
            a.mov(di, (ushort)buffer);
            a.mov(cx, 16);
            a.mov(dx, UnclaimedPort);
            a.rep.insb();
            a.mov(eax, __dword_ptr[buffer]);
            a.and(eax, __dword_ptr[buffer + 4]);
            a.and(eax, __dword_ptr[buffer + 8]);
            a.and(eax, __dword_ptr[buffer + 12]);
            a.cmp(eax, 0xFFFFFFFF);
            a.jne(done);
            a.test(cx, cx);
            a.jne(done);
            a.cmp(di, (ushort)(buffer + 16));
            a.jne(done);
            a.cmp(__byte_ptr[buffer + 16], 0);
            a.Label(ref done);
        }, "expected 16 bytes of 0xff, CX = 0, DI advanced by 16 and nothing written past them");
        byte[] outs = Encoding.ASCII.GetBytes(RepOutsbMessage + "\n");
        p.Data("rep-outsb-text", outs);
        p.Check("rep-outsb-console", a =>
        {
            Label done = a.CreateLabel();
            ushort text = (ushort)p.AddressOf("rep-outsb-text");
            a.mov(si, text);
            a.mov(cx, (ushort)outs.Length);
            a.mov(dx, GuestProgram.ConsolePort);
            a.rep.outsb();
            a.test(cx, cx);
            a.jne(done);
            a.cmp(si, (ushort)(text + outs.Length));
            a.Label(ref done);
        }, "expected CX = 0 and SI advanced past the text");
        p.Check("out-dx-console", a =>
        {
            a.mov(dx, GuestProgram.ConsolePort);
            foreach (byte c in Encoding.ASCII.GetBytes(OutDxMessage + "\n"))
            {
                a.mov(al, c);
                a.@out(dx, al);
            }
            a.cmp(al, (byte)'\n');
        });
        p.Check("post-code-port", a =>
        {
            a.mov(al, 0x55);
            a.@out((byte)PostCodePort, al);
            a.mov(dx, PostCodePort);
            a.mov(al, 0xAA);
            a.@out(dx, al);
            a.cmp(al, 0xAA);
        });
        // docs/guests.md: port 0x80 keeps what was written and reads it back.
        p.CheckEqual("post-code-port-readback", a =>
        {
            a.mov(al, 0xA5);
            a.@out((byte)PostCodePort, al);
            a.xor(eax, eax);
            a.@in(al, (byte)PostCodePort);
        }, 0xA5);
        p.Check("hammer-unclaimed-port", a =>
        {
            Label loop = a.CreateLabel();
            a.mov(dx, UnclaimedPort);
            a.mov(ecx, (uint)HammerCount);
            a.Label(ref loop);
            a.@out(dx, al);
            a.dec(ecx);
            a.jnz(loop);
            a.test(ecx, ecx);
        });
        p.CheckEqual("in-after-hammer", a =>
        {
            a.mov(dx, UnclaimedPort);
            a.xor(eax, eax);
            a.@in(al, dx);
        }, 0xFF);
        p.PowerOff(0);
        return p.Build();
    }

    public static GuestImage ProtectedMode()
    {
        var p = new GuestProgram("prot32", GuestMode.Protected, "CPUID and the hypercall ABI from 32-bit code", memoryMiB: 4);
        p.InstallExceptionHandlers();
        p.CheckEqual("hypervisor-signature-ebx", Cpuid(HypervisorLeaf, ebx), SignatureEbx);
        p.CheckEqual("hypervisor-bit-set", Cpuid(1, ecx), Leaf1EcxHypervisor, mask: Leaf1EcxHypervisor);
        p.CheckEqual("vmx-hidden", Cpuid(1, ecx), 0, mask: Leaf1EcxVmx);
        AddHypercallChecks(p, ProtectedModeMessage);
        p.CheckEqual("vmcall-console-write-outside-ram", a => p.EmitHypercall(Hypercall.ConsoleWrite, 0x40000000, 16), uint.MaxValue);
        // A value written just before INVD must still be there after it: a real INVD may drop the
        // dirty line, BareVisor's handler must not (it only skips the instruction). EAX is cleared
        // first, so a handler that resumes past the read-back fails too.
        AddCacheFlushCheck(p, "invd-keeps-a-fresh-write", InvdMarker, a => a.invd());
        // WBINVD does not exit (no "WBINVD exiting"): the guest's write-back must keep the value.
        AddCacheFlushCheck(p, "wbinvd-keeps-a-fresh-write", WbinvdMarker, a => a.wbinvd());
        p.PowerOff(ProtectedModePowerOffStatus);
        return p.Build();
    }

    /// <summary>What prot32 writes just before INVD and WBINVD and reads back after them.</summary>
    public const uint InvdMarker = 0x1A7D_0001;
    public const uint WbinvdMarker = 0x3B1A_0002;

    // Store marker, clear EAX, flush, load the marker back into EAX.
    private static void AddCacheFlushCheck(GuestProgram p, string name, uint marker, System.Action<Assembler> flush)
    {
        ulong slot = p.Layout.Scratch;
        p.CheckEqual(name, a =>
        {
            a.mov(__dword_ptr[slot], marker);
            a.xor(eax, eax);
            flush(a);
            a.mov(eax, __dword_ptr[slot]);
        }, marker);
    }

    public static GuestImage LongMode()
    {
        var p = new GuestProgram("long64", GuestMode.Long, "CPUID, hypercalls and RDTSC from 64-bit code", memoryMiB: 4);
        p.InstallExceptionHandlers();
        p.CheckEqual("hypervisor-signature-ebx", Cpuid(HypervisorLeaf, ebx), SignatureEbx);
        p.CheckEqual("hypervisor-signature-ecx", Cpuid(HypervisorLeaf, ecx), SignatureEcx);
        p.CheckEqual("hypervisor-signature-edx", Cpuid(HypervisorLeaf, edx), SignatureEdx);
        p.CheckEqual("hypervisor-bit-set", Cpuid(1, ecx), Leaf1EcxHypervisor, mask: Leaf1EcxHypervisor);
        p.CheckEqual("vmx-hidden", Cpuid(1, ecx), 0, mask: Leaf1EcxVmx);
        AddHypercallChecks(p, LongModeMessage);
        // In 64-bit mode the function number is all of RAX: bit 32 makes function 0 unknown.
        p.CheckEqual("vmcall-function-is-64-bit", a =>
        {
            a.mov(rax, 0x1_0000_0000UL);
            a.vmcall();
        }, Hypercall.Error);
        p.CheckEqual("cr8-readback", a =>
        {
            a.mov(ecx, 9u);
            a.mov(cr8, rcx);
            a.mov(rax, cr8);
            a.xor(ecx, ecx);
            a.mov(cr8, rcx);
        }, 9);
        p.Check("rdtsc-advances", a =>
        {
            a.rdtsc();
            a.shl(rdx, 32);
            a.or(rax, rdx);
            a.mov(r8, rax);
            a.rdtsc();
            a.shl(rdx, 32);
            a.or(rax, rdx);
            a.sub(rax, r8);
            a.mov(rcx, rax);
            a.xor(eax, eax);
            a.test(rcx, rcx);
            a.setle(al);
            a.test(eax, eax); // ZF = 1 when the difference is positive
        }, "the second RDTSC was not above the first");
        p.PowerOff(0);
        return p.Build();
    }

    public static GuestImage LongModeXsetbv()
    {
        var p = new GuestProgram("long-xsetbv", GuestMode.Long, "CR4.OSXSAVE and XSETBV from 64-bit code", memoryMiB: 4);
        p.InstallExceptionHandlers();
        const string noXsave = "CPUID.1:ECX.XSAVE is clear";
        p.CheckOrSkip("xsetbv-x87-sse", Leaf1EcxHas(Leaf1EcxXsave), noXsave, a =>
        {
            a.mov(rax, cr4);
            a.or(rax, 1 << 18); // CR4.OSXSAVE
            a.mov(cr4, rax);
            a.xor(ecx, ecx);
            a.xor(edx, edx);
            a.mov(eax, 3u);   // XCR0 = x87 | SSE
            a.xsetbv();
            a.xor(ecx, ecx);
            a.xgetbv();
            a.cmp(eax, 3);
        }, "XGETBV did not return the XCR0 value 3 that XSETBV wrote");
        p.CheckOrSkip("osxsave-visible", Leaf1EcxHas(Leaf1EcxXsave), noXsave, Leaf1EcxHas(Leaf1EcxOsxsave),
                      "CPUID.1:ECX.OSXSAVE is clear after CR4.OSXSAVE was set");
        p.PowerOff(0);
        return p.Build();
    }

    public static GuestImage Mmio()
    {
        var p = new GuestProgram("prot-mmio", GuestMode.Protected, "MMIO on the I/O APIC page at 0xfec00000", memoryMiB: 4);
        p.InstallExceptionHandlers();
        // IOREGSEL (offset 0) keeps bits 7:0 as written on a real I/O APIC; each check uses
        // another instruction form, which BareVisor's MMIO emulation must decode.
        p.CheckEqual("mmio-store-immediate-load-absolute", a =>
        {
            a.mov(__dword_ptr[IoApicBase], 0x11u);
            a.mov(eax, __dword_ptr[IoApicBase]);
        }, 0x11, mask: 0xFF);
        p.CheckEqual("mmio-register-indirect", a =>
        {
            a.mov(ebx, IoApicBase);
            a.mov(ecx, 0x22u);
            a.mov(__dword_ptr[ebx], ecx);
            a.xor(edx, edx);
            a.mov(edx, __dword_ptr[ebx]);
            a.mov(eax, edx);
        }, 0x22, mask: 0xFF);
        p.CheckEqual("mmio-base-displacement", a =>
        {
            a.mov(esi, IoApicBase - 0x100);
            a.mov(edi, 0x33u);
            a.mov(__dword_ptr[esi + 0x100], edi);
            a.mov(eax, __dword_ptr[esi + 0x100]);
        }, 0x33, mask: 0xFF);
        // Information, no verdict: what IOAPICVER reads (0x00170011 on a 24-pin I/O APIC).
        p.Emit(a =>
        {
            a.mov(__dword_ptr[IoApicBase], 1u);        // IOREGSEL = IOAPICVER
            a.mov(eax, __dword_ptr[IoApicBase + 0x10]); // IOWIN
            p.EmitPrint("IOAPICVER reads ");
            p.EmitPrintHexAccumulator();
            p.EmitPrint("\n");
        });
        p.PowerOff(0);
        return p.Build();
    }

    public static GuestImage RealModeMsr()
    {
        var p = new GuestProgram("real-msr", GuestMode.Real, "forbidden MSRs raise #GP, caught through the IVT", memoryMiB: 4);
        p.InstallExceptionHandlers();
        int gp = ExceptionNames.GeneralProtection;
        p.CheckFault("wrmsr-bios-updt-trig", gp, WriteMsr(Ia32BiosUpdtTrig));
        p.CheckFault("wrmsr-bios-updt-trig-again", gp, WriteMsr(Ia32BiosUpdtTrig));
        p.CheckFault("rdmsr-vmx-basic", gp, ReadMsr(Ia32VmxBasic));
        p.CheckFault("wrmsr-smm-monitor-ctl", gp, WriteMsr(Ia32SmmMonitorCtl));
        ulong region = p.Layout.Scratch;
        p.CheckFault("vmxon-in-real-mode", ExceptionNames.InvalidOpcode, a => a.vmxon(__qword_ptr[region]));
        p.PowerOff(0);
        return p.Build();
    }

    public static GuestImage VmxInstructions()
    {
        var p = new GuestProgram("prot-vmx", GuestMode.Protected, "VMX instructions raise #UD, caught through the IDT", memoryMiB: 4);
        p.InstallExceptionHandlers();
        uint operand = (uint)p.Layout.Scratch;
        int ud = ExceptionNames.InvalidOpcode;
        void Vmx(string name, System.Action<Assembler> instruction) => p.CheckFault(name, ud, a =>
        {
            a.mov(ebx, operand);
            a.mov(eax, 0x681Eu); // GUEST_RIP, for VMREAD/VMWRITE
            instruction(a);
        });
        Vmx("vmxon", a => a.vmxon(__qword_ptr[ebx]));
        Vmx("vmxoff", a => a.vmxoff());
        Vmx("vmclear", a => a.vmclear(__qword_ptr[ebx]));
        Vmx("vmptrld", a => a.vmptrld(__qword_ptr[ebx]));
        Vmx("vmptrst", a => a.vmptrst(__qword_ptr[ebx]));
        Vmx("vmread", a => a.vmread(ecx, eax));
        Vmx("vmwrite", a => a.vmwrite(eax, ecx));
        Vmx("vmlaunch", a => a.vmlaunch());
        Vmx("vmresume", a => a.vmresume());
        Vmx("invept", a => a.invept(eax, __xmmword_ptr[ebx]));
        Vmx("invvpid", a => a.invvpid(eax, __xmmword_ptr[ebx]));
        p.CheckFault("getsec", ud, a => a.getsec());
        p.CheckFault("rdmsr-vmx-true-pinbased", ExceptionNames.GeneralProtection, ReadMsr(Ia32VmxTruePinbasedCtls));
        // CR4.VMXE belongs to BareVisor: the guest reads its own (clear) bit and may not set it.
        p.CheckEqual("cr4-vmxe-reads-clear", a => a.mov(eax, cr4), 0, mask: Cr4Vmxe);
        p.CheckFault("cr4-vmxe-set-raises-gp", ExceptionNames.GeneralProtection, a =>
        {
            a.mov(eax, cr4);
            a.or(eax, Cr4Vmxe);
            a.mov(cr4, eax);
        });
        // Hypercalls are for ring 0: from ring 3 even power-off must raise #UD.
        p.CheckFaultInRing3("vmcall-from-ring-3", ud, a => p.EmitHypercall(Hypercall.PowerOff, Ring3PowerOffStatus));
        p.PowerOff(0);
        return p.Build();
    }

    // Reads where neither RAM nor a device is float to all ones, as on a PC's bus, in every size.
    public static GuestImage EptRead()
    {
        var p = new GuestProgram("ept-read", GuestMode.Protected, $"reads at 0x{EptReadAddress:x}, outside its RAM");
        p.CheckEqual("read-nowhere-dword", a =>
        {
            a.xor(eax, eax);
            a.mov(eax, __dword_ptr[EptReadAddress]);
        }, 0xFFFFFFFF);
        p.CheckEqual("read-nowhere-byte-merges", a =>
        {
            a.mov(eax, 0x12345600u);
            a.mov(al, __byte_ptr[EptReadAddress + 1]);
        }, 0x123456FF);
        p.CheckEqual("read-nowhere-movzx-word", a =>
        {
            a.mov(ebx, EptReadAddress);
            a.movzx(eax, __word_ptr[ebx + 2]);
        }, 0xFFFF);
        p.PowerOff(0);
        return p.Build();
    }

    // A write there goes nowhere: reading the address back still gives all ones.
    public static GuestImage EptWrite()
    {
        var p = new GuestProgram("ept-write", GuestMode.Protected, $"writes at 0x{EptWriteAddress:x}, outside its RAM");
        p.CheckEqual("write-nowhere-dropped", a =>
        {
            a.mov(__dword_ptr[EptWriteAddress], 0x12345678u);
            a.mov(eax, __dword_ptr[EptWriteAddress]);
        }, 0xFFFFFFFF);
        p.PowerOff(0);
        return p.Build();
    }

    // Code cannot run from nowhere: the guest is stopped.
    public static GuestImage EptExecute()
    {
        var p = new GuestProgram("ept-execute", GuestMode.Protected, $"jumps to 0x{EptExecuteAddress:x}, outside its RAM");
        p.ExpectStop("ept-execute", ExecuteNowhereStop, a =>
        {
            a.mov(eax, EptExecuteAddress);
            a.jmp(eax);
        });
        return p.Build();
    }

    /// <summary>The stop line BareVisor prints for an instruction fetch from nothing.</summary>
    public static readonly string ExecuteNowhereStop = $"instruction fetch from guest-physical 0x{EptExecuteAddress:x}: no memory or device there";

    /// <summary>The line BareVisor prints, once per VM, for the first access to nothing.</summary>
    public static string OpenBusReport(uint address) =>
        $"guest-physical 0x{address:x} has no memory or device: reads return all ones, writes are dropped (reported once per VM)";

    public static GuestImage TripleFault()
    {
        var p = new GuestProgram("triple-fault", GuestMode.Protected, "INT3 with an empty IDT", memoryMiB: 4);
        ulong pointer = p.Layout.DescriptorPointer;
        p.ExpectStop("triple-fault", "triple fault", a =>
        {
            a.mov(__word_ptr[pointer], 0);         // limit 0: every vector is outside the IDT
            a.mov(__dword_ptr[pointer + 2], 0u);
            a.lidt(__[pointer]);
            a.int3();
        });
        return p.Build();
    }

    public static GuestImage HaltWithInterruptsDisabled()
    {
        var p = new GuestProgram("hlt-cli", GuestMode.Real, "HLT with interrupts disabled", memoryMiB: 4);
        p.ExpectStop("hlt-cli", "halted with interrupts disabled", a =>
        {
            a.cli();
            a.hlt();
        });
        return p.Build();
    }

    /// <summary>The stop reason of a guest that used up its one-second time limit.</summary>
    public const string TimeLimitStop = "ran past its time limit of 1 s";

    // Spins with interrupts off and never exits on its own: only the VMX-preemption timer gets
    // BareVisor back.
    public static GuestImage SpinForever()
    {
        var p = new GuestProgram("spin", GuestMode.Real, "spins forever with interrupts off", memoryMiB: 4, timeLimitSeconds: 1);
        p.ExpectStop("spin", TimeLimitStop, a =>
        {
            Label again = a.CreateLabel();
            a.cli();
            a.Label(ref again);
            a.jmp(again);
        });
        return p.Build();
    }

    // Exits all the time (OUT to an unclaimed port), so its own time stays small: the run loop
    // still stops it at its time limit.
    public static GuestImage HammerPortForever()
    {
        var p = new GuestProgram("hammer", GuestMode.Real, "writes an unclaimed port forever", memoryMiB: 4, timeLimitSeconds: 1);
        p.ExpectStop("hammer", TimeLimitStop, a =>
        {
            Label again = a.CreateLabel();
            a.Label(ref again);
            a.@out(0x70, al);
            a.jmp(again);
        });
        return p.Build();
    }

    /// <summary>The word a reboot guest leaves in its RAM before rebooting: a fresh start must not see it.</summary>
    public const ushort RebootMarker = 0xB007;

    /// <summary>How BareVisor stops the reboot guest at each of its requests; it restarts it MaxReboots times.</summary>
    public const string RebootStop = "reboot requested";

    // Every boot asks for a reboot: BareVisor restarts the guest Hypercall.MaxReboots times and
    // then leaves it stopped at its next request; the hypercall never returns.
    public static GuestImage Reboot()
    {
        var p = new GuestProgram("reboot", GuestMode.Real, "reboot hypercall", memoryMiB: 4);
        ulong marker = p.Layout.Scratch + 0x100;
        p.CheckEqual("ram-fresh-at-start", a => a.movzx(eax, __word_ptr[marker]), 0);
        p.Emit(a => a.mov(__word_ptr[marker], RebootMarker));
        p.ExpectStop("reboot", RebootStop, a => p.EmitHypercall(Hypercall.Reboot));
        return p.Build();
    }

    public static GuestImage StillWorks()
    {
        var p = new GuestProgram("still-works", GuestMode.Long, "a well-behaved guest after the hostile ones");
        p.InstallExceptionHandlers();
        p.CheckEqual("hypervisor-signature-ebx", Cpuid(HypervisorLeaf, ebx), SignatureEbx);
        p.CheckEqual("hypervisor-bit-set", Cpuid(1, ecx), Leaf1EcxHypervisor, mask: Leaf1EcxHypervisor);
        AddHypercallChecks(p, StillWorksMessage);
        p.Print("port 0xe9 still prints\n");
        p.PowerOff(0);
        return p.Build();
    }

    // Version, features, an unknown function, console write of a string in guest memory and a
    // console write that is too long.
    private static void AddHypercallChecks(GuestProgram p, string message)
    {
        byte[] text = Encoding.ASCII.GetBytes(message + "\n");
        p.Data("console-message", text);
        bool wide = p.Mode == GuestMode.Long;
        ulong error = wide ? Hypercall.Error : uint.MaxValue;
        p.CheckEqual("vmcall-version-status", a => p.EmitHypercall(Hypercall.GetVersion), 0);
        p.CheckEqual("vmcall-version-number", a =>
        {
            p.EmitHypercall(Hypercall.GetVersion);
            if (wide)
                a.mov(rax, rbx);
            else
                a.mov(eax, ebx);
        }, Hypercall.Version);
        p.CheckEqual("vmcall-version-features", a =>
        {
            p.EmitHypercall(Hypercall.GetVersion);
            if (wide)
                a.mov(rax, rcx);
            else
                a.mov(eax, ecx);
        }, Hypercall.Features, mask: Hypercall.Features);
        p.CheckEqual("vmcall-unknown-function", a => p.EmitHypercall(0x1234), error);
        p.CheckEqual("vmcall-console-write", a =>
            p.EmitHypercall(Hypercall.ConsoleWrite, p.AddressOf("console-message"), (ulong)text.Length), 0);
        p.CheckEqual("vmcall-console-write-too-long", a =>
            p.EmitHypercall(Hypercall.ConsoleWrite, p.AddressOf("console-message"), Hypercall.MaxConsoleWrite + 1), error);
    }
}
