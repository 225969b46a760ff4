// The boot report: what BareVisor found on this machine, one fact per line, in the format the
// README documents and the integration tests read. Runs at boot; allocates freely.
using BareVisor.Core.Acpi;
using BareVisor.Core.Boot;
using BareVisor.Core.Cpu;
using BareVisor.Core.Memory;
using BareVisor.Core.Text;
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.Console;
using BareVisor.Kernel.Memory;
using BareVisor.Kernel.Platform;

namespace BareVisor.Kernel.Boot
{
    internal static unsafe class BootReport
    {
        internal static string Describe(BootInfo boot) =>
            "boot: " + boot.Protocol + " from \"" + (boot.BootLoaderName ?? "unknown loader") + "\", command line \"" + (boot.CommandLine ?? "") + "\"";

        internal static void Memory(BootInfo boot)
        {
            TextBuffer line = new TextBuffer(stackalloc char[160]);
            line.Append("memory: ");
            line.AppendDecimal(boot.UsableBytes);
            line.Append(" bytes usable (");
            line.AppendSize(boot.UsableBytes);
            line.Append(") in ");
            line.AppendDecimal((ulong)CountUsable(boot.MemoryMap));
            line.Append(" regions; ");
            line.AppendSize(PhysicalMemory.FreePages * PhysicalPageAllocator.PageSize);
            line.Append(" free for BareVisor after the kernel, boot data and ");
            line.AppendDecimal((ulong)boot.Modules.Length);
            line.Append(" modules");
            Log.Info(line.Text);
        }

        // The parsed tables, or null when there are none usable.
        internal static AcpiInfo Acpi(BootInfo boot)
        {
            IdentityMappedMemory memory = default;
            HostPhysical rsdp = boot.Rsdp.Value != 0 ? boot.Rsdp : FindRsdpInBiosArea();
            if (rsdp.Value == 0)
            {
                Log.Warning("acpi: no RSDP found; CPU count unknown, ACPI power-off unavailable");
                return null;
            }
            if (!AcpiParser.TryParse(ref memory, rsdp, out AcpiInfo acpi, out string error))
            {
                Log.Warning("acpi: tables rejected: " + error);
                return null;
            }
            foreach (string warning in acpi.Warnings)
                Log.Warning("acpi: " + warning);
            LogProcessors(acpi);
            if (acpi.HasFadt && acpi.HasS5)
                PowerOff.UseAcpi((ushort)acpi.Fadt.Pm1aControlBlock, (ushort)acpi.Fadt.Pm1bControlBlock, acpi.S5SleepTypeA, acpi.S5SleepTypeB);
            return acpi;
        }

        private static void LogProcessors(AcpiInfo acpi)
        {
            TextBuffer line = new TextBuffer(stackalloc char[200]);
            line.Append("acpi: ");
            line.AppendDecimal((ulong)acpi.LocalApicIds.Length);
            line.Append(acpi.LocalApicIds.Length == 1 ? " CPU, local APIC id" : " CPUs, local APIC ids");
            foreach (uint id in acpi.LocalApicIds)
            {
                line.Append(' ');
                line.AppendDecimal(id);
            }
            line.Append("; ");
            line.AppendDecimal((ulong)acpi.IoApics.Length);
            line.Append(" I/O APIC(s); tables from \"");
            line.Append(acpi.OemId);
            line.Append("\"");
            Log.Info(line.Text);
        }

        // Multiboot1 loaders pass no RSDP: search where the BIOS may put it. The EBDA pointer lives
        // in page 0, which stays unmapped, so the whole window the EBDA can occupy is searched.
        private static HostPhysical FindRsdpInBiosArea()
        {
            const ulong EbdaWindow = 0x80000, BiosArea = 0xE0000;
            HostPhysical found;
            if (Rsdp.TryFind(new System.ReadOnlySpan<byte>((void*)EbdaWindow, 0x20000), new HostPhysical(EbdaWindow), out found))
                return found;
            if (Rsdp.TryFind(new System.ReadOnlySpan<byte>((void*)BiosArea, 0x20000), new HostPhysical(BiosArea), out found))
                return found;
            return default;
        }

        // The report's CPU and VT-x lines; the capabilities when VT-x can be used, else null.
        internal static VirtualizationReport Virtualization()
        {
            X86Cpu cpu = default;
            VirtualizationReport report = VirtualizationProbe.Probe(ref cpu);
            VirtualizationLines.Cpu(report);
            if (!report.VmxUsable)
            {
                SerialPort.WriteLine("BareVisor: VT-x not available: " + report.Reason);
                return null;
            }
            VirtualizationLines.Vmx(report);
            return report;
        }

        // At loglevel=debug, the CPU's own answer for every leaf and subleaf of CpuidLeafRange, one
        // line each ("cpuid: host LEAF SUBLEAF EAX EBX ECX EDX", hex): what a test applies
        // CpuidPolicy to, to check the answers guests get.
        internal static void HostCpuid()
        {
            if (!Log.Shows(LogLevel.Debug))
                return;
            X86Cpu cpu = default;
            uint basic = CpuidLeafRange.BasicMax(cpu.Cpuid(0, 0).Eax);
            for (uint leaf = 0; leaf <= basic; leaf++)
                HostCpuidLeaf(ref cpu, leaf);
            uint extended = CpuidLeafRange.ExtendedCount(cpu.Cpuid(CpuidLeafRange.FirstExtended, 0).Eax);
            for (uint i = 0; i < extended; i++)
                HostCpuidLeaf(ref cpu, CpuidLeafRange.FirstExtended + i);
        }

        private static void HostCpuidLeaf(ref X86Cpu cpu, uint leaf)
        {
            TextBuffer line = new TextBuffer(stackalloc char[80]);
            for (uint subleaf = 0; subleaf < CpuidLeafRange.SubleafCount(leaf); subleaf++)
            {
                CpuidResult r = cpu.Cpuid(leaf, subleaf);
                line.Clear();
                line.Append("cpuid: host");
                AppendWord(ref line, leaf);
                AppendWord(ref line, subleaf);
                AppendWord(ref line, r.Eax);
                AppendWord(ref line, r.Ebx);
                AppendWord(ref line, r.Ecx);
                AppendWord(ref line, r.Edx);
                Log.Debug(line.Text);
            }
        }

        private static void AppendWord(ref TextBuffer line, uint value)
        {
            line.Append(' ');
            line.AppendHexPrefixed(value, 8);
        }

        // The TSC rate guests are told through CPUID leaves 0x15/0x16.
        internal static void Clock()
        {
            TextBuffer line = new TextBuffer(stackalloc char[80]);
            line.Append("clock: TSC at ");
            line.AppendDecimal(Platform.Clock.TscHz / 1000000);
            line.Append(" MHz (calibrated against the PIT)");
            Log.Info(line.Text);
        }

        internal static void Complete(ulong entryTsc)
        {
            TextBuffer line = new TextBuffer(stackalloc char[120]);
            line.Append("boot: report complete after ");
            line.AppendDecimal(Native.ReadTsc() - entryTsc);
            line.Append(" TSC ticks from kernel entry; heap ");
            line.AppendSize(System.Runtime.RuntimeHost.HeapAllocatedBytes);
            line.Append(" used");
            Log.Info(line.Text);
        }

        private static int CountUsable(MemoryRegion[] map)
        {
            int count = 0;
            foreach (MemoryRegion region in map)
            {
                if (region.Type == MemoryType.Usable)
                    count++;
            }
            return count;
        }
    }
}
