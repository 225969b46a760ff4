// Runs the guests given as boot modules (`guest name=... mode=... memory=...`), one after another
// on this CPU. Whatever one guest does, the next one still runs: a bad module is reported and
// skipped, a stopped guest is torn down and its memory returned. Runs at boot in VMX root.
using BareVisor.Core.Boot;
using BareVisor.Core.Cpu;
using BareVisor.Core.Guests;
using BareVisor.Core.Text;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;
using BareVisor.Kernel.Console;

namespace BareVisor.Kernel.Vmx
{
    internal static class GuestRunner
    {
        internal static int CountGuestModules(BootInfo boot)
        {
            int count = 0;
            foreach (BootModule module in boot.Modules)
            {
                if (GuestModuleSpec.IsGuestModule(module.CommandLine))
                    count++;
            }
            return count;
        }

        internal static void RunAll(BootInfo boot, VirtualizationReport caps, GuestDefinition[] configured)
        {
            ControlPlan plan = ControlPlan.For(caps);
            if (plan.Error != null)
            {
                Log.Error("vmx: guests cannot run: " + plan.Error);
                return;
            }
            foreach (BootModule module in boot.Modules)
            {
                if (!GuestModuleSpec.IsGuestModule(module.CommandLine))
                    continue;
                if (!GuestModuleSpec.TryParse(module.CommandLine, module.Range.Length, out GuestModuleSpec spec, out string error))
                {
                    Log.Error("vm: module \"" + module.CommandLine + "\" rejected: " + error);
                    continue;
                }
                RunGuest(GuestDefinition.FromModule(spec, module), plan);
            }
            foreach (GuestDefinition guest in configured)
                RunGuest(guest, plan);
        }

        private static void RunGuest(GuestDefinition spec, in ControlPlan plan)
        {
            for (int boot = 0; boot <= VmcallExit.MaxReboots; boot++)
            {
                Log.Info("vm " + spec.Name + ": starting (" + ModeName(spec.Start.Mode) + " mode" + (spec.Plan != null ? ", " + spec.Plan.Format : "") + ")");
                VirtualMachine vm = VirtualMachine.Create(spec, plan);
                LogTags(vm);
                string reason = vm.Run(out ExitCounters counters);
                bool reboot = vm.RebootRequested && boot < VmcallExit.MaxReboots;
                string dropped = vm.DroppedByDevices;
                vm.Destroy();
                Log.Info("vm " + spec.Name + ": stopped: " + reason);
                if (dropped != null)
                    Log.Warning("vm " + spec.Name + ": " + dropped);
                Log.Info("vm " + spec.Name + ": exits: " + counters.Describe());
                if (!reboot)
                    return;
            }
        }

        // What the CPU tags this VM's cached translations with; Destroy invalidates both.
        private static void LogTags(VirtualMachine vm)
        {
            TextBuffer line = new TextBuffer(stackalloc char[120]);
            line.Append("vm ");
            line.Append(vm.Name);
            line.Append(": VPID ");
            line.AppendDecimal(vm.Vpid);
            line.Append(", EPTP ");
            line.AppendHexPrefixed(vm.Eptp, 1);
            Log.Info(line.Text);
        }

        private static string ModeName(GuestStartMode mode) => mode switch
        {
            GuestStartMode.Real => "real",
            GuestStartMode.Protected => "protected",
            _ => "long",
        };
    }
}
