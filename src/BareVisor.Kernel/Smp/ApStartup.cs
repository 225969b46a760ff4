// Brings every CPU BareVisor uses into VMX root at boot: the BSP itself, then each enabled AP of
// the MADT, one at a time, with INIT-SIPI-SIPI (SDM Vol. 3A 8.4.4.1: INIT, 10 ms, SIPI, 200 us,
// SIPI) through the real-mode trampoline of boot/trampoline.asm, up to maxcpus CPUs. An AP that
// does not answer within AnswerTimeoutMicroseconds, or fails VMXON, is reported by APIC ID and
// left out; the others go on. Runs on the BSP, interrupts off; allocates each AP's PerCpu block
// (stack, GDT/TSS, VMXON region) before starting it, and prints for the APs.
using BareVisor.Core.Acpi;
using BareVisor.Core.Cpu;
using BareVisor.Core.Memory;
using BareVisor.Core.Text;
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.Console;
using BareVisor.Kernel.Memory;
using BareVisor.Kernel.Platform;
using BareVisor.Kernel.Vmx;

namespace BareVisor.Kernel.Smp
{
    internal static unsafe class ApStartup
    {
        private const ulong InitDelayMicroseconds = 10000;
        private const ulong StartupDelayMicroseconds = 200;
        private const ulong AnswerTimeoutMicroseconds = 100000;
        private const uint Ia32Efer = 0xC0000080;
        private const ulong EferLma = 1UL << 10;    // set by the CPU when paging turns on

        // maxCpus: CPUs to use, the BSP included; 0 for all of them.
        internal static void BringUp(VirtualizationReport vmx, AcpiInfo acpi, int maxCpus, in KernelLayout layout)
        {
            if (vmx == null)
                return;
            PerCpu* bsp = Cpus.Boot;
            VmxRoot.Prepare(bsp, vmx);
            bsp->State = VmxRoot.EnterOnThisCpu(bsp);
            if (bsp->State == CpuState.InVmxRoot && acpi != null)
                StartAps(acpi, maxCpus == 0 ? Cpus.Limit : maxCpus, layout);
            Report(acpi, maxCpus);
        }

        private static void StartAps(AcpiInfo acpi, int maxCpus, in KernelLayout layout)
        {
            if (maxCpus <= 1 || acpi.LocalApicIds.Length <= 1)
                return;
            if (!PhysicalMemory.TryAllocateLowPage(out HostPhysical page))
            {
                Log.Warning("cpu: no free page below 1 MiB for the AP start-up code; only the boot CPU is used");
                return;
            }
            ulong size = layout.ApTrampolineEnd - layout.ApTrampolineStart;
            new System.ReadOnlySpan<byte>((void*)layout.ApTrampolineStart, (int)size).CopyTo(new System.Span<byte>((void*)page.Value, (int)size));
            byte vector = (byte)(page.Value >> 12);
            ulong cr3 = Native.ReadCr3();
            ulong efer = Native.ReadMsr(Ia32Efer) & ~EferLma;

            PerCpu* spare = null;
            for (int i = 0; i < acpi.LocalApicIds.Length && Cpus.Count < maxCpus; i++)
            {
                uint apicId = acpi.LocalApicIds[i];
                if (!acpi.LocalApicEnabled[i] || apicId == Cpus.Boot->ApicId)
                    continue;
                PerCpu* cpu = spare != null ? spare : Allocate(apicId);
                spare = null;
                cpu->ApicId = apicId;
                cpu->Index = Cpus.Count;
                CpuState state = Start(cpu, vector, cr3, efer, out bool blockUnused);
                if (state == CpuState.InVmxRoot)
                    Cpus.Add(cpu);
                else
                    ReportLeftOut(apicId, state);
                if (blockUnused)
                    spare = cpu;
            }
        }

        private static PerCpu* Allocate(uint apicId)
        {
            PerCpu* cpu = PerCpu.Allocate(Cpus.Count, apicId, 0);
            VmxRoot.Prepare(cpu, VmxRoot.Capabilities);
            return cpu;
        }

        // blockUnused: the AP never took its block, so the block may be offered to the next AP.
        private static CpuState Start(PerCpu* cpu, byte vector, ulong cr3, ulong efer, out bool blockUnused)
        {
            blockUnused = false;
            cpu->State = CpuState.NotStarted;
            Native.OfferApStart(cpu, cr3, efer);
            LocalApic.SendInit(cpu->ApicId);
            Clock.WaitMicroseconds(InitDelayMicroseconds);
            LocalApic.SendStartup(cpu->ApicId, vector);
            Clock.WaitMicroseconds(StartupDelayMicroseconds);
            LocalApic.SendStartup(cpu->ApicId, vector);

            ulong start = Clock.MicrosecondsSinceEntry();
            while (!Finished(cpu->State) && Clock.MicrosecondsSinceEntry() - start < AnswerTimeoutMicroseconds)
                Native.Pause();
            if (Finished(cpu->State))
                return cpu->State;
            if (Native.WithdrawApStart() != null)
            {
                blockUnused = true;
                return CpuState.NoAnswer;
            }
            // The AP took its block just now or earlier: its stack is in use, so the block stays
            // its own whatever it reports next.
            CpuState late = cpu->State;
            return late == CpuState.NotStarted ? CpuState.NoAnswer : late;
        }

        private static bool Finished(CpuState state) => state >= CpuState.VmxDisabled;

        private static void ReportLeftOut(uint apicId, CpuState state)
        {
            string why = state == CpuState.NoAnswer
                ? Messages.WithDecimal("did not answer INIT-SIPI-SIPI within ", AnswerTimeoutMicroseconds / 1000, " ms")
                : VmxRoot.Describe(state);
            Log.Warning(Messages.WithDecimal("cpu: APIC id ", apicId, " " + why + "; left out"));
        }

        private static void Report(AcpiInfo acpi, int maxCpus)
        {
            PerCpu* bsp = Cpus.Boot;
            if (bsp->State != CpuState.InVmxRoot)
            {
                Log.Warning(Messages.WithDecimal("cpu 0: APIC id ", bsp->ApicId, ", " + VmxRoot.Describe(bsp->State) + "; no other CPU started"));
                return;
            }
            TextBuffer line = new TextBuffer(stackalloc char[80]);
            for (int i = 0; i < Cpus.Count; i++)
            {
                PerCpu* cpu = Cpus.Get(i);
                line.Clear();
                line.Append("cpu ");
                line.AppendDecimal((ulong)cpu->Index);
                line.Append(": APIC id ");
                line.AppendDecimal(cpu->ApicId);
                line.Append(", ");
                line.Append(VmxRoot.Describe(cpu->State));
                if (i == 0)
                    line.Append(" (boot CPU)");
                Log.Info(line.Text);
            }
            TextBuffer summary = new TextBuffer(stackalloc char[120]);
            summary.Append("cpu: ");
            summary.AppendDecimal((ulong)Cpus.Count);
            summary.Append(" of ");
            summary.AppendDecimal((ulong)EnabledCount(acpi));
            summary.Append(" enabled CPU(s) in VMX root");
            if (maxCpus != 0)
            {
                summary.Append(" (maxcpus=");
                summary.AppendDecimal((ulong)maxCpus);
                summary.Append(')');
            }
            Log.Info(summary.Text);
        }

        private static int EnabledCount(AcpiInfo acpi)
        {
            if (acpi == null)
                return 1;
            int count = 0;
            foreach (bool enabled in acpi.LocalApicEnabled)
            {
                if (enabled)
                    count++;
            }
            return count;
        }
    }
}
