// kmain: where boot/entry.asm hands over, in 64-bit mode on the boot stack, interrupts off.
// Brings up the runtime, the console, descriptor tables, memory and paging, then reports the
// machine (memory, CPUs, virtualization support), brings every CPU into VMX root, runs the
// guests on the boot CPU and powers off.
using System.Runtime;
using System.Runtime.InteropServices;
using BareVisor.Core.Acpi;
using BareVisor.Core.Boot;
using BareVisor.Core.Cpu;
using BareVisor.Core.Memory;
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.Console;
using BareVisor.Kernel.Diagnostics;
using BareVisor.Kernel.Memory;
using BareVisor.Kernel.Platform;
using BareVisor.Kernel.SelfTest;
using BareVisor.Kernel.Smp;
using BareVisor.Kernel.Vmx;

namespace BareVisor.Kernel.Boot
{
    internal static unsafe class KernelMain
    {
        internal const string Version = "0.1.0";

        [UnmanagedCallersOnly(EntryPoint = "kmain")]
        private static void Main(uint magic, ulong info)
        {
            KernelLayout layout;
            Native.GetKernelLayout(&layout);
            SerialPort.Initialize();
            RuntimeHost.Start((byte*)layout.BootHeapStart, (nuint)(layout.BootHeapEnd - layout.BootHeapStart),
                (nint*)layout.ModulesStart, (nint*)layout.ModulesEnd, &Panic.UnhandledException);
            KernelHeap.UseLock();
            SymbolTable.Initialize(layout);
            InterruptDispatch.Initialize(layout);
            Cpus.InitializeBoot(layout);
            Idt.Initialize((ulong*)layout.IsrTable);
            Clock.Initialize(layout.EntryTsc);
            SerialPort.WriteLine("BareVisor " + Version + " on x86-64");

            BootInfo boot = ParseBootInformation(magic, info);
            CommandLine options = BootOptions.Apply(boot.CommandLine);
            IdentityMappedMemory.UseMemoryMap(boot.MemoryMap);
            PhysicalMemory.Initialize(boot, layout);
            Native.WriteCr3(KernelPaging.Build(boot, layout).Value);

            BootReport.Memory(boot);
            AcpiInfo acpi = BootReport.Acpi(boot);
            BootReport.Clock();
            BootReport.HostCpuid();
            GuestDefinition[] configured = GuestConfiguration.Load(boot);
            VirtualizationReport vmx = BootReport.Virtualization();
            SmpSelfTest.Configure(options.Get(BootOptions.SelfTest), options.Get(BootOptions.Fault));
            ApStartup.BringUp(vmx, acpi, BootOptions.MaxCpus(options), layout);
            FaultInjection.Run(options);
            RunGuests(boot, vmx, configured);
            BootReport.Complete(layout.EntryTsc);
            PowerOff.Now(PowerOff.SuccessStatus);
        }

        private static void RunGuests(BootInfo boot, VirtualizationReport vmx, GuestDefinition[] configured)
        {
            int guests = GuestRunner.CountGuestModules(boot) + configured.Length;
            if (guests == 0)
                return;
            if (vmx == null)
            {
                Log.Error(BareVisor.Core.Text.Messages.WithDecimal("vm: ", (ulong)guests, " guest(s) not started: VT-x not available"));
                return;
            }
            CpuState state = Cpus.Boot->State;
            if (state != CpuState.InVmxRoot)
            {
                Log.Error("vmx: " + VmxRoot.Describe(state) + "; guests not started");
                return;
            }
            GuestRunner.RunAll(boot, vmx, configured);
        }

        private static BootInfo ParseBootInformation(uint magic, ulong info)
        {
            IdentityMappedMemory memory = default;
            if (!BootInfoParser.TryParse(ref memory, magic, new HostPhysical(info), out BootInfo boot, out string error))
                Panic.Fatal("boot information rejected: " + error);
            Log.Info(BootReport.Describe(boot));
            return boot;
        }
    }
}
