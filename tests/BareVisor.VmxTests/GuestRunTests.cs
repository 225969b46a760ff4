// Host side. BareVisor in Bochs runs every guest of TestGuests.Suite from one ISO; each test
// checks one exit family (or one hostile behaviour) in that run's serial output.
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using BareVisor.Emulators;
using BareVisor.Guests;
using BareVisor.VmxTests.Infrastructure;
using Iced.Intel;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.VmxTests;

[Collection(BochsVmxCollection.Name)]
public sealed class GuestRunTests
{
    private readonly GuestRunFixture fixture;
    private readonly ITestOutputHelper output;

    public GuestRunTests(GuestRunFixture fixture, ITestOutputHelper output)
    {
        this.fixture = fixture;
        this.output = output;
    }

    private GuestRun Run => fixture.Run;

    // ----- the run as a whole ---------------------------------------------------------------

    [Fact]
    public void RunsEveryGuestModuleInOrderThenTheConfiguredVms()
    {
        var expected = Run.Guests.Where(g => !g.IsMultibootKernel).Concat(Run.Guests.Where(g => g.IsMultibootKernel))
                                 .Select(g => g.Name).ToList();
        var seen = Run.Log.VmOrder.ToList();
        Run.Expect(seen.SequenceEqual(expected),
                   $"expected the guest modules in module order, then the configured VMs: {string.Join(", ", expected)}; BareVisor printed: {string.Join(", ", seen)}");
        output.WriteLine($"Bochs run: {Run.Result.WallTime.TotalSeconds:F1} s wall, ISO built in {Run.IsoBuildTime.TotalSeconds:F1} s, {Run.Result.End}");
    }

    [Fact]
    public void EveryGuestEndsTheWayItShould()
    {
        foreach (GuestImage guest in Run.Guests)
            Run.ExpectStopped(guest.Name, guest.ExpectedStop);
    }

    // Each byte a guest prints is one OUT to port 0xe9, so a guest whose only port I/O is its
    // console has exactly as many IoInstruction exits as the bytes of its lines since its last
    // start (lines of the console-write hypercall excepted: those are VMCALLs). A guest with port
    // I/O of its own has more.
    [Fact]
    public void EveryGuestsIoExitsCountTheBytesItPrinted()
    {
        foreach (GuestImage guest in Run.Guests)
        {
            long printed = ConsoleBytesSinceLastStart(guest.Name);
            if (guest.DecodeCode().Where(IsPortIo).All(IsConsoleOut))
                Run.ExpectExitCount(guest.Name, "IO_INSTRUCTION", printed);
            else
                Run.ExpectExits(guest.Name, "IO_INSTRUCTION", printed + 1);
        }
    }

    private static readonly string[] HypercallLines = [TestGuests.ProtectedModeMessage, TestGuests.LongModeMessage, TestGuests.StillWorksMessage];

    private long ConsoleBytesSinceLastStart(string name)
    {
        var lines = Run.Vm(name).GuestLines;
        int start = lines.ToList().FindLastIndex(l => l.StartsWith("start: ", System.StringComparison.Ordinal));
        return lines.Skip(System.Math.Max(start, 0)).Where(l => !HypercallLines.Contains(l)).Sum(l => (long)l.Length + 1);
    }

    private static bool IsPortIo(Instruction i) =>
        i.Mnemonic is Mnemonic.In or Mnemonic.Out or Mnemonic.Insb or Mnemonic.Insw or Mnemonic.Insd
            or Mnemonic.Outsb or Mnemonic.Outsw or Mnemonic.Outsd;

    private static bool IsConsoleOut(Instruction i) =>
        i.Mnemonic == Mnemonic.Out && i.Op0Kind == OpKind.Immediate8 && i.Immediate8 == GuestProgram.ConsolePort;

    [Fact]
    public void NoGuestReportsAFailure()
    {
        var failures = Run.Guests.SelectMany(g => Run.Log.For(g.Name).Failures.Select(f => $"{g.Name}: FAIL {f.Check}: {f.Detail}")).ToList();
        Run.Expect(failures.Count == 0, "guests reported failures:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void PowersOffAfterTheLastGuest()
    {
        var problems = PowerOffCheck.Problems(Run.Result, ExpectedEnd.PowerOff);
        Run.Expect(problems.Count == 0, "the run did not end through BareVisor's power-off: " + string.Join("; ", problems));
        output.WriteLine($"Bochs run: {Run.Result.WallTime.TotalSeconds:F1} s wall, {Run.Result.End}, {Run.Result.BochsPanic}");
    }

    // ----- CPUID ----------------------------------------------------------------------------

    [Fact]
    public void Cpuid_RealModeGuestSeesTheHypervisorAndNoVmx()
    {
        Run.ExpectChecksPassed("real-cpuid");
        Run.ExpectPassed("prot32", "hypervisor-signature-ebx", "hypervisor-bit-set", "vmx-hidden");
        Run.ExpectPassed("long64", "hypervisor-signature-ebx", "hypervisor-signature-ecx", "hypervisor-signature-edx", "vmx-hidden");
        // The guest has no loops: each CPUID in its code runs once and exits once.
        int cpuids = Run.Guest("real-cpuid").DecodeCode().Count(i => i.Code == Code.Cpuid);
        long exits = Run.ExpectExits("real-cpuid", "CPUID", cpuids);
        Run.Expect(exits == cpuids, $"real-cpuid executes CPUID {cpuids} times but BareVisor counted {exits} CPUID exits", "real-cpuid");
    }

    // ----- I/O ------------------------------------------------------------------------------

    [Fact]
    public void Io_ConsolePortAndStringInstructions()
    {
        Run.ExpectChecksPassed("real-io");
        GuestRecord vm = Run.Vm("real-io");
        Run.Expect(vm.GuestLines.Contains(TestGuests.RepOutsbMessage), $"no line '{TestGuests.RepOutsbMessage}' (REP OUTSB to 0xe9)", "real-io");
        Run.Expect(vm.GuestLines.Contains(TestGuests.OutDxMessage), $"no line '{TestGuests.OutDxMessage}' (OUT DX, AL to 0xe9)", "real-io");
    }

    [Fact]
    public void Io_UnclaimedPortReadsAllOnesAndIsReportedOnce()
    {
        Run.ExpectChecksPassed("real-io");
        var reports = Run.VmLinesMatching("real-io", $@"^port 0x0*{GuestCode.UnclaimedPort:x} is not emulated");
        Run.Expect(reports.Count == 1, $"expected one 'port 0x{GuestCode.UnclaimedPort:x} is not emulated' line for {TestGuests.HammerCount}+ accesses, got {reports.Count}", "real-io");
        long exits = Run.ExpectExits("real-io", "IO_INSTRUCTION", TestGuests.HammerCount);
        output.WriteLine($"real-io: {exits} IO_INSTRUCTION exits");
    }

    [Fact]
    public void Io_PostCodePortIsClaimedSilently()
    {
        Run.ExpectPassed("real-io", "post-code-port", "post-code-port-readback");
        var reports = Run.VmLinesMatching("real-io", @"^port 0x0*80 ");
        Run.Expect(reports.Count == 0, $"port 0x80 should be claimed (writes dropped silently), got: {string.Join(" | ", reports)}", "real-io");
    }

    // ----- VMCALL ---------------------------------------------------------------------------

    [Fact]
    public void Vmcall_FromProtectedMode()
    {
        Run.ExpectPassed("prot32", "vmcall-version-status", "vmcall-version-number", "vmcall-version-features",
                         "vmcall-unknown-function", "vmcall-console-write", "vmcall-console-write-too-long",
                         "vmcall-console-write-outside-ram");
        Run.Expect(Run.Vm("prot32").GuestLines.Contains(TestGuests.ProtectedModeMessage),
                   $"no line '{TestGuests.ProtectedModeMessage}' (console-write hypercall)", "prot32");
        Run.ExpectStopped("prot32", $"powered off with status {TestGuests.ProtectedModePowerOffStatus}");
        Run.ExpectExitCount("prot32", "VMCALL", VmcallsReached("prot32"));
    }

    [Fact]
    public void Vmcall_FromLongModeWritesAStringInGuestMemory()
    {
        Run.ExpectPassed("long64", "vmcall-version-status", "vmcall-version-number", "vmcall-version-features",
                         "vmcall-unknown-function", "vmcall-console-write", "vmcall-console-write-too-long",
                         "vmcall-function-is-64-bit");
        Run.Expect(Run.Vm("long64").GuestLines.Contains(TestGuests.LongModeMessage),
                   $"no line '{TestGuests.LongModeMessage}' (console-write hypercall)", "long64");
        Run.ExpectExitCount("long64", "VMCALL", VmcallsReached("long64"));
    }

    // The guest's steps have no loops: each VMCALL in them runs once, except the power-off placed
    // after its own, which is never reached. The routines after the steps (from print-string on)
    // power off only on an unexpected exception.
    private int VmcallsReached(string name)
    {
        GuestImage guest = Run.Guest(name);
        ulong routines = guest.Labels["print-string"];
        return guest.DecodeCode().Count(i => i.Code == Code.Vmcall && i.IP < routines) - 1;
    }

    [Fact]
    public void Vmcall_FromRing3RaisesUd()
    {
        Run.ExpectPassed("prot-vmx", "vmcall-from-ring-3");
        Run.Expect(!Run.Vm("prot-vmx").Stops.Any(s => s.Contains($"status {TestGuests.Ring3PowerOffStatus}")),
                   "a power-off hypercall from ring 3 powered the guest off", "prot-vmx");
    }

    // ----- control registers, XSETBV, RDTSC, INVD/WBINVD ---------------------------------------

    [Fact]
    public void ControlRegisters_Cr4VmxeIsBareVisorsAndCr8IsTheGuests()
    {
        Run.ExpectPassed("prot-vmx", "cr4-vmxe-reads-clear", "cr4-vmxe-set-raises-gp");
        Run.ExpectPassed("long64", "cr8-readback");
    }

    [Fact]
    public void CacheControl_InvdExitsOnceEachAndNeitherFlushLosesAWrite()
    {
        Run.ExpectPassed("prot32", "invd-keeps-a-fresh-write", "wbinvd-keeps-a-fresh-write");
        // INVD exits unconditionally under VMX; prot32 has no loops, so each INVD runs once.
        int invds = Run.Guest("prot32").DecodeCode().Count(i => i.Code == Code.Invd);
        Run.ExpectExitCount("prot32", "INVD", invds);
        // ControlPlan does not ask for "WBINVD exiting": the guest's WBINVD runs without an exit.
        Run.ExpectExitCount("prot32", "WbinvdOrWbnoinvd", 0);
    }

    [Fact]
    public void Rdtsc_AdvancesInTheGuest()
    {
        Run.ExpectPassed("long64", "rdtsc-advances");
    }

    // The fixture's Bochs model (GuestRunFixture.BochsCpuModel) has XSAVE: both checks must
    // pass there, a SKIP means BareVisor hid XSAVE from the guest.
    [Fact]
    public void Xsetbv_WithCr4OsxsaveSet()
    {
        Run.ExpectPassed("long-xsetbv", "xsetbv-x87-sse", "osxsave-visible");
        int xsetbvs = Run.Guest("long-xsetbv").DecodeCode().Count(i => i.Code == Code.Xsetbv);
        Run.ExpectExitCount("long-xsetbv", "XSETBV", xsetbvs);
    }

    // ----- MMIO (EPT violations with a device behind them) ----------------------------------

    [Fact]
    public void Mmio_IoApicPage()
    {
        Run.ExpectChecksPassed("prot-mmio");
        // One exit per access: a store and a load in each of the three checks, then IOREGSEL and IOWIN.
        Run.ExpectExitCount("prot-mmio", "EPT_VIOLATION", 3 * 2 + 2);
        output.WriteLine("prot-mmio: " + string.Join(" | ", Run.Vm("prot-mmio").GuestLines.Where(l => l.StartsWith("IOAPICVER"))));
    }

    // ----- MSR ------------------------------------------------------------------------------

    [Fact]
    public void Msr_ForbiddenAccessesInjectGpAndAreReportedOncePerMsr()
    {
        Run.ExpectChecksPassed("real-msr");
        Run.ExpectPassed("prot-vmx", "rdmsr-vmx-true-pinbased");
        foreach (uint msr in new[] { GuestCode.Ia32BiosUpdtTrig, GuestCode.Ia32VmxBasic, GuestCode.Ia32SmmMonitorCtl })
        {
            var reports = Run.VmLinesMatching("real-msr", $@"^MSR 0x0*{msr:x} is not emulated.*#GP injected");
            Run.Expect(reports.Count == 1, $"expected one 'MSR 0x{msr:x} is not emulated ... #GP injected' line, got {reports.Count}", "real-msr");
        }
        Run.ExpectExits("real-msr", "WRMSR", 3);
        Run.ExpectExits("real-msr", "RDMSR", 1);
    }

    // ----- VMX instructions -----------------------------------------------------------------

    [Fact]
    public void VmxInstructions_InjectUd()
    {
        Run.ExpectPassed("prot-vmx", "vmxon", "vmxoff", "vmclear", "vmptrld", "vmptrst", "vmread", "vmwrite", "vmlaunch",
                         "vmresume", "invept", "invvpid", "getsec");
        foreach (string reason in new[] { "VMXON", "VMCLEAR", "VMPTRLD", "VMREAD", "VMWRITE", "VMLAUNCH", "VMRESUME", "VMXOFF", "INVEPT", "INVVPID" })
            Run.ExpectExits("prot-vmx", reason, 1);
    }

    // ----- guest-physical addresses with nothing behind them --------------------------------

    [Theory]
    [InlineData("ept-read", TestGuests.EptReadAddress, 3)]
    [InlineData("ept-write", TestGuests.EptWriteAddress, 2)]
    public void OpenBus_ReadsAreAllOnesWritesAreDroppedAndReportedOnce(string name, uint address, int accesses)
    {
        Run.ExpectChecksPassed(name);
        Run.ExpectStopped(name, "powered off with status 0");
        Run.ExpectExitCount(name, "EPT_VIOLATION", accesses);
        var reports = Run.VmLinesMatching(name, "has no memory or device");
        Run.Expect(reports.Count == 1 && GuestRun.SameText(reports[0], TestGuests.OpenBusReport(address)),
                   $"expected one line '{TestGuests.OpenBusReport(address)}', got: {string.Join(" | ", reports)}", name);
    }

    // ----- hostile: code from nowhere, triple fault, HLT with IF = 0, reboot -----------------

    [Fact]
    public void Ept_InstructionFetchFromNothingStopsTheGuest()
    {
        Run.ExpectChecksPassed("ept-execute");
        Run.ExpectStopped("ept-execute", TestGuests.ExecuteNowhereStop);
        Run.ExpectExitCount("ept-execute", "EPT_VIOLATION", 1);
    }

    [Fact]
    public void TripleFault_StopsTheGuest()
    {
        Run.ExpectChecksPassed("triple-fault");
        Run.ExpectStopped("triple-fault", "triple fault");
        Run.ExpectExits("triple-fault", "TRIPLE_FAULT", 1);
    }

    [Fact]
    public void Hlt_WithInterruptsDisabledStopsTheGuest()
    {
        Run.ExpectChecksPassed("hlt-cli");
        Run.ExpectStopped("hlt-cli", "halted with interrupts disabled");
        Run.ExpectExits("hlt-cli", "HLT", 1);
    }

    [Fact]
    public void Reboot_RestartsFromTheInitialStateAtMostThreeTimes()
    {
        Run.ExpectChecksPassed("reboot");
        GuestRecord vm = Run.Vm("reboot");
        int starts = vm.GuestLines.Count(l => l.StartsWith("start: ", System.StringComparison.Ordinal));
        Run.Expect(starts == 1 + Hypercall.MaxReboots,
                   $"expected the reboot guest to start {1 + Hypercall.MaxReboots} times (once, then {Hypercall.MaxReboots} reboots), it started {starts} times", "reboot");
        // Each boot ends at its reboot request, the last one too (no restart then).
        Run.Expect(vm.Stops.Count == starts && vm.Stops.All(s => s == TestGuests.RebootStop),
                   $"expected {starts} stops '{TestGuests.RebootStop}', got: {string.Join(" | ", vm.Stops)}", "reboot");
    }

    [Fact]
    public void EntryFailure_NamesTheErrorAndDumpsTheVmcs()
    {
        Run.ExpectStopped("entry-failure", TestGuests.EntryFailureStop);
        string serial = Run.Result.SerialRaw;
        Run.Expect(serial.Contains("vmx: " + TestGuests.EntryFailureStop + "; VMCS follows"), "no VM-entry failure report", "entry-failure");
        Run.Expect(serial.Contains("vmcs: GuestRflags 0x0000000000000000"), "the VMCS dump does not show the broken RFLAGS", "entry-failure");
        Run.Expect(serial.Contains("vmcs: -- VMCS guest state --"), "no guest-state section in the VMCS dump", "entry-failure");
    }

    [Fact]
    public void Hlt_SleepsUntilTheDeviceTimerWakesIt()
    {
        Run.ExpectChecksPassed("sleeper");
        Run.ExpectExits("sleeper", "Hlt", TestGuests.SleeperTicks);
        Run.ExpectExits("sleeper", "VmxPreemptionTimerExpired");
        Run.ExpectStopped("sleeper", "powered off with status 0");
    }

    [Fact]
    public void TimeLimit_StopsAGuestThatNeverExits()
    {
        Run.ExpectStopped("spin", TestGuests.TimeLimitStop);
        Run.ExpectExits("spin", "VmxPreemptionTimerExpired");
    }

    [Fact]
    public void TimeLimit_StopsAGuestThatExitsAllTheTime() => Run.ExpectStopped("hammer", TestGuests.TimeLimitStop);

    // ----- a configured VM: the Multiboot platform kernel -----------------------------------

    [Fact]
    public void ConfiguredVm_TheMultibootKernelIsLoadedFromTheConfiguration()
    {
        string ready = $"config: vm {PlatformGuest.Name} ready: Multiboot1 a.out kludge";
        Run.Expect(Run.Log.OtherLines.Any(l => l.EndsWith(ready, System.StringComparison.Ordinal)), $"no line '{ready}'", PlatformGuest.Name);
        Run.Expect(Run.Vm(PlatformGuest.Name).GuestLines.Any(l => l.StartsWith("start: protected mode", System.StringComparison.Ordinal)),
                   "the kernel never printed its start line", PlatformGuest.Name);
    }

    [Fact]
    public void FwCfg_SignatureCpuCountAndRamSize()
    {
        Run.ExpectPassed(PlatformGuest.Name, "fw-cfg-signature", "fw-cfg-cpu-count", "fw-cfg-ram-size", "fw-cfg-ram-size-high");
    }

    [Fact]
    public void LocalApic_RegistersAndTimerModesWakeHlt()
    {
        Run.ExpectPassed(PlatformGuest.Name, "cpuid-x2apic-tsc-deadline", "apic-base-msr", "apic-version", "apic-id", "tsc-frequency",
                         "apic-timer-periodic", "apic-eoi-clears-isr", "apic-timer-one-shot", "apic-timer-one-shot-count-zero",
                         "apic-tsc-deadline", "tsc-deadline-disarmed");
        // At least one HLT per wait: periodic, one-shot, TSC-deadline, x2APIC.
        Run.ExpectExits(PlatformGuest.Name, "Hlt", 4);
        // Bochs's VT-x has "virtualize APIC accesses": the xAPIC page exits as APIC accesses
        // (EOIs without decoding), not as EPT violations.
        Run.ExpectExits(PlatformGuest.Name, "ApicAccess");
    }

    [Fact]
    public void X2Apic_MsrRegistersAndTimerWithMsrEoi()
    {
        Run.ExpectPassed(PlatformGuest.Name, "x2apic-enabled", "x2apic-version", "x2apic-id", "x2apic-timer", "x2apic-eoi-clears-isr");
        Run.ExpectExits(PlatformGuest.Name, "Wrmsr", 5);
    }

    [Fact]
    public void IsaDebugExit_EndsTheGuestWithItsStatus()
    {
        Run.ExpectChecksPassed(PlatformGuest.Name);
        Run.ExpectStopped(PlatformGuest.Name, PlatformGuest.DebugExitStop);
    }

    // ----- a configured VM: a Multiboot2 kernel ---------------------------------------------

    [Fact]
    public void ConfiguredVm_TheMultiboot2KernelGetsTheMagicAndItsBootInformation()
    {
        string ready = $"config: vm {Multiboot2Guest.Name} ready: Multiboot2 ";
        Run.Expect(Run.Log.OtherLines.Any(l => l.Contains(ready, System.StringComparison.Ordinal)), $"no line '{ready}...'", Multiboot2Guest.Name);
        Run.ExpectPassed(Multiboot2Guest.Name, "multiboot2-magic", "multiboot2-info-address", "multiboot2-info-reserved", "multiboot2-info-tags");
        Run.ExpectChecksPassed(Multiboot2Guest.Name);
        Run.ExpectStopped(Multiboot2Guest.Name, "powered off with status 0");
    }

    // ----- VPID and EPT: tags per VM, nothing cached outlives a VM ----------------------------

    private static readonly Regex TagsLine = new(@"^VPID (\d+), EPTP (0x[0-9a-f]+)$");

    /// <summary>Each start of the VM (reboots start it again): its VPID and EPT pointer.</summary>
    private List<(int Vpid, string Eptp)> Tags(string name) =>
        Run.Vm(name).VmLines.Select(l => TagsLine.Match(l)).Where(m => m.Success)
           .Select(m => (int.Parse(m.Groups[1].Value), m.Groups[2].Value)).ToList();

    [Fact]
    public void Vpid_EveryVmStartGetsItsOwnNonZeroVpid()
    {
        var starts = Run.Guests.SelectMany(g => Tags(g.Name).Select(t => (g.Name, t.Vpid))).ToList();
        foreach (GuestImage guest in Run.Guests)
            Run.Expect(Tags(guest.Name).Count > 0, $"no 'vm {guest.Name}: VPID n, EPTP 0x...' line", guest.Name);
        Run.Expect(starts.All(s => s.Vpid != 0), "a VM ran with VPID 0 (the host's): " + string.Join(", ", starts.Where(s => s.Vpid == 0).Select(s => s.Name)));
        var shared = starts.GroupBy(s => s.Vpid).Where(g => g.Count() > 1).Select(g => $"VPID {g.Key}: {string.Join(", ", g.Select(s => s.Name))}").ToList();
        Run.Expect(shared.Count == 0, "VM starts shared a VPID: " + string.Join("; ", shared));
        output.WriteLine(string.Join(", ", starts.Select(s => $"{s.Name} {s.Vpid}")));
    }

    // Bochs flushes its TLB between VMs by itself (the stale-translation guests below pass there
    // even without INVEPT/INVVPID and with one VPID for all VMs), so what Bochs can show is that
    // each teardown invalidated exactly the tags the VM ran with and the CPU accepted both.
    [Fact]
    public void Teardown_InvalidatesEachVmsEptAndVpid()
    {
        const string invalidated = "translations invalidated: ";
        foreach (GuestImage guest in Run.Guests)
        {
            var expected = Tags(guest.Name).Select(t => $"INVEPT single-context EPTP {t.Eptp}, INVVPID single-context VPID {t.Vpid}").ToList();
            var seen = Run.Vm(guest.Name).VmLines.Where(l => l.StartsWith(invalidated, System.StringComparison.Ordinal))
                          .Select(l => l[invalidated.Length..]).ToList();
            Run.Expect(expected.Count > 0 && seen.SequenceEqual(expected),
                       $"vm {guest.Name}: expected one '{invalidated}...' line per start, for its own tags:\n  {string.Join("\n  ", expected)}\ngot:\n  {string.Join("\n  ", seen)}",
                       guest.Name);
        }
    }

    [Fact]
    public void StaleTranslation_TheNextVmSeesItsOwnRamWhereThePreviousOneWrote()
    {
        GuestRecord writer = Run.Vm(StaleTranslationGuests.WriterName);
        GuestRecord reader = Run.Vm(StaleTranslationGuests.ReaderName);
        int writerIndex = Run.Log.VmOrder.ToList().IndexOf(StaleTranslationGuests.WriterName);
        Run.Expect(Run.Log.VmOrder.ElementAtOrDefault(writerIndex + 1) == StaleTranslationGuests.ReaderName,
                   "tlb-reader must run right after tlb-writer", StaleTranslationGuests.ReaderName);
        Run.Expect(writer.LastLine < reader.FirstLine, "tlb-reader started before tlb-writer was torn down", StaleTranslationGuests.ReaderName);
        Run.ExpectChecksPassed(StaleTranslationGuests.WriterName);
        // The scenario this test depends on: the reader's EPT top-level table is the writer's
        // freed page, so only the teardown's INVEPT keeps the writer's mappings from being used.
        string writerEptp = Tags(StaleTranslationGuests.WriterName).Single().Eptp;
        string readerEptp = Tags(StaleTranslationGuests.ReaderName).Single().Eptp;
        Run.Expect(writerEptp == readerEptp, $"the reader's EPTP {readerEptp} is not the writer's {writerEptp}: the scenario no longer reuses the EPT; revise StaleTranslationGuests",
                   StaleTranslationGuests.ReaderName);
        Run.ExpectPassed(StaleTranslationGuests.ReaderName, "fresh-ram-at-the-writers-address", "own-value-at-the-writers-address");
        Run.ExpectStopped(StaleTranslationGuests.ReaderName, "powered off with status 0");
    }

    [Fact]
    public void StillWorks_AfterTheHostileGuests()
    {
        GuestRecord last = Run.Vm("still-works");
        foreach (string hostile in TestGuests.HostileGuests)
            Run.Expect(Run.Vm(hostile).LastLine < last.FirstLine, $"still-works must run after {hostile}", "still-works");
        Run.ExpectChecksPassed("still-works");
        Run.Expect(last.GuestLines.Contains(TestGuests.StillWorksMessage), $"no line '{TestGuests.StillWorksMessage}'", "still-works");
        Run.ExpectStopped("still-works", "powered off with status 0");
    }
}
