// The guest configuration: finds the boot module named "config" (docs/boot-media.md), parses it with
// Core's GuestConfigParser and reports each VM, its errors and whether the boot modules it needs are
// present; the VMs whose kernel loads become guests. Runs once at boot, interrupts off; allocates freely. The file is untrusted input: every
// problem is reported and refuses one VM (or all, for an unreadable module); nothing here panics.
using System.Collections.Generic;
using BareVisor.Core.Boot;
using BareVisor.Core.Config;
using BareVisor.Core.Text;
using BareVisor.Kernel.Console;
using BareVisor.Kernel.Memory;
using BareVisor.Kernel.Vmx;

namespace BareVisor.Kernel.Boot
{
    internal static class GuestConfiguration
    {
        private const int MaxErrorLines = 40;

        // The configured VMs ready to start (none when there is no usable configuration).
        internal static GuestDefinition[] Load(BootInfo boot)
        {
            List<GuestDefinition> guests = new List<GuestDefinition>();
            int index = BootModuleNames.IndexOf(boot.Modules, BootModuleNames.Config);
            if (index < 0)
            {
                Log.Info("config: no configuration module; no VMs to start");
                return guests.ToArray();
            }
            int count = BootModuleNames.Count(boot.Modules, BootModuleNames.Config);
            if (count > 1)
                Log.Warning(Messages.WithDecimal("config: ", (ulong)count, " modules are named \"config\"; using the first"));
            if (!TryReadText(boot.Modules[index], out string text))
                return guests.ToArray();
            GuestConfigResult result = GuestConfigParser.Parse(text);
            Log.Info("config: " + result.Summary());
            ReportErrors(result.Errors);
            foreach (VmConfig vm in result.Vms)
            {
                GuestDefinition guest = Prepare(vm, boot.Modules);
                if (guest != null)
                    guests.Add(guest);
            }
            return guests.ToArray();
        }

        // A binary file given as the config has an error on nearly every line: show the first ones.
        private static void ReportErrors(ConfigError[] errors)
        {
            for (int i = 0; i < errors.Length && i < MaxErrorLines; i++)
                Log.Warning("config: " + errors[i].Describe());
            if (errors.Length > MaxErrorLines)
                Log.Warning(Messages.WithDecimal("config: ", (ulong)(errors.Length - MaxErrorLines), " more errors not shown"));
        }

        // The module's bytes as Latin-1 characters; the parser refuses anything that is not printable ASCII.
        private static bool TryReadText(BootModule module, out string text)
        {
            text = null;
            ulong length = module.Range.Length;
            if (length > GuestConfigLimits.MaxFileBytes)
            {
                Log.Warning(Messages.WithDecimal("config: the configuration module is ", length,
                    " bytes, over the 65536-byte limit; no VMs to start"));
                return false;
            }
            IdentityMappedMemory memory = default;
            System.ReadOnlySpan<byte> bytes = memory.Read(module.Range.Start, (int)length);
            if (bytes.Length != (int)length)
            {
                Log.Warning(Messages.WithHex("config: the configuration module at ", module.Range.Start.Value,
                    " is not readable; no VMs to start"));
                return false;
            }
            text = Ascii.FromBytes(bytes);
            return true;
        }

        private static GuestDefinition Prepare(VmConfig vm, BootModule[] modules)
        {
            Log.Info("config: " + vm.Describe());
            if (vm.Vcpus > 1)
                Log.Warning(Messages.WithDecimal("config: vm " + vm.Name + ": asks for ", (ulong)vm.Vcpus,
                    " vCPUs; it runs with 1 (BareVisor gives each guest one vCPU so far)"));
            LogCommandLine(vm);
            bool ready = CheckModule(vm, "kernel", vm.Kernel, modules);
            if (vm.Initrd != null)
                ready &= CheckModule(vm, "initrd", vm.Initrd, modules);
            if (!ready)
                return null;
            BootModule kernel = modules[BootModuleNames.IndexOf(modules, vm.Kernel)];
            BootModule[] initrd = vm.Initrd == null ? new BootModule[0] : new[] { modules[BootModuleNames.IndexOf(modules, vm.Initrd)] };
            if (!GuestDefinition.TryFromConfig(vm, kernel, initrd, out GuestDefinition guest, out string error))
            {
                Log.Warning("config: vm " + vm.Name + ": " + error + "; vm " + vm.Name + " not started");
                return null;
            }
            Log.Info("config: vm " + vm.Name + " ready: " + guest.Plan.Format);
            return guest;
        }

        private static void LogCommandLine(VmConfig vm)
        {
            TextBuffer line = new TextBuffer(stackalloc char[2200]);
            line.Append("config: vm ");
            line.Append(vm.Name);
            line.Append(": cmdline \"");
            line.Append(vm.CommandLine);
            line.Append('"');
            Log.Info(line.Text);
        }

        // A guest file travels as a boot module named by its path in the configuration.
        private static bool CheckModule(VmConfig vm, string role, string path, BootModule[] modules)
        {
            int index = BootModuleNames.IndexOf(modules, path);
            ulong length = index < 0 ? 0 : modules[index].Range.Length;
            TextBuffer line = new TextBuffer(stackalloc char[400]);
            line.Append("config: vm ");
            line.Append(vm.Name);
            line.Append(": ");
            line.Append(role);
            line.Append(" module ");
            line.Append(path);
            if (index >= 0 && length != 0)
            {
                line.Append(" present, ");
                line.AppendSize(length);
                Log.Info(line.Text);
                return true;
            }
            line.Append(index < 0 ? " missing" : " is empty");
            line.Append("; vm ");
            line.Append(vm.Name);
            line.Append(" not started");
            Log.Warning(line.Text);
            return false;
        }
    }
}
