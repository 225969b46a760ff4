// What it takes to create a guest, from either source: a `guest ...` test module (a flat binary at
// the mode's load address, docs/guests.md) or a VM of the configuration file (a Linux bzImage or
// Multiboot kernel laid out by Core's loaders). A kernel image that cannot be loaded is refused
// with the loader's message naming what is wrong. Runs at guest set-up; allocates.
using BareVisor.Core.Acpi.Guest;
using BareVisor.Core.Boot;
using BareVisor.Core.Config;
using BareVisor.Core.Guests;
using BareVisor.Core.Loaders;
using BareVisor.Core.Memory;
using BareVisor.Core.Vmx;
using BareVisor.Kernel.Memory;

namespace BareVisor.Kernel.Vmx
{
    internal sealed class GuestDefinition
    {
        // Core's standard PC layout moves RAM above 3 GiB to 4 GiB; guest memory here is one range.
        private const ulong MaxLoaderGuestMemory = 3UL << 30;
        private const ulong LongModePageTables = 0x1000;

        internal string Name;
        internal ulong MemoryBytes;
        internal ulong TimeLimitSeconds;
        internal StartState Start;

        // Module guests: the image goes to LoadAddress; long mode gets BareVisor's page tables.
        internal BootModule Image;
        internal ulong LoadAddress;
        internal bool BuildPageTables;

        // Configuration VMs: the loader's plan, the modules its segments read from, and the ACPI
        // tables that describe the guest's PC (copied to guest memory next to the plan).
        internal LoadPlan Plan;
        internal BootModule[] PlanModules;
        internal GuestAcpiTables Acpi;

        internal static GuestDefinition FromModule(GuestModuleSpec spec, BootModule image) => new GuestDefinition
        {
            Name = spec.Name,
            MemoryBytes = spec.MemoryBytes,
            TimeLimitSeconds = spec.TimeLimitSeconds,
            Image = image,
            LoadAddress = spec.LoadAddress,
            BuildPageTables = spec.Mode == GuestStartMode.Long,
            Start = GuestStartState.ForModuleGuest(spec.Mode, spec.LoadAddress, spec.LoadAddress, LongModePageTables),
        };

        internal static bool TryFromConfig(VmConfig vm, BootModule kernel, BootModule[] initrd, out GuestDefinition guest, out string error)
        {
            guest = null;
            if (vm.MemoryBytes > MaxLoaderGuestMemory)
            {
                error = "memory above 3 GiB is not supported for configured VMs yet";
                return false;
            }
            IdentityMappedMemory host = default;
            System.ReadOnlySpan<byte> image = host.Read(kernel.Range.Start, (int)kernel.Range.Length);
            GuestAcpiTables acpi = GuestAcpiTables.Build(GuestPlatform.AcpiTablesAddress, vm.MemoryBytes);
            if (!TryPlan(vm, image, initrd, acpi, out LoadPlan plan, out error))
                return false;
            guest = new GuestDefinition
            {
                Name = vm.Name,
                MemoryBytes = vm.MemoryBytes,
                Image = kernel,
                Plan = plan,
                PlanModules = initrd,
                Acpi = acpi,
                Start = plan.Start,
            };
            return true;
        }

        private static bool TryPlan(VmConfig vm, System.ReadOnlySpan<byte> image, BootModule[] modules, GuestAcpiTables acpi, out LoadPlan plan, out string error)
        {
            GuestMemoryLayout memory = GuestMemoryLayout.StandardPc(vm.MemoryBytes);
            switch (GuestImage.Detect(image))
            {
                case GuestImageFormat.LinuxBzImage:
                    LinuxBootParameters linux = new LinuxBootParameters { Memory = memory, CommandLine = vm.CommandLine ?? "", AcpiRsdp = new GuestPhysical(acpi.RsdpAddress) };
                    linux.InitrdLength = modules.Length > 0 ? modules[0].Range.Length : 0;
                    return LinuxLoader.TryPlan(image, linux, out plan, out error);
                case GuestImageFormat.Multiboot1:
                case GuestImageFormat.Multiboot2:
                    MultibootParameters multiboot = new MultibootParameters { Memory = memory, CommandLine = vm.CommandLine ?? "", AcpiRsdp = acpi.Rsdp };
                    return MultibootLoader.TryPlan(image, multiboot, out plan, out error);
                default:
                    plan = null;
                    error = "the kernel is neither a Linux bzImage nor a Multiboot kernel";
                    return false;
            }
        }
    }
}
