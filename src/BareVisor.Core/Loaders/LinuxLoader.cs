// Pure logic; no hardware. Plans the 64-bit boot of a Linux bzImage (Documentation/arch/x86/boot.rst,
// "64-bit Boot Protocol"): protected-mode kernel at pref_address (or 16 MiB), boot_params and the
// command line at fixed low addresses (BootAddresses), the initrd high, entry at load + 0x200 in
// long mode with RSI = boot_params. Runs at guest set-up; allocates; errors are returned.
using System;
using System.Collections.Generic;
using BareVisor.Core.Guests;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Loaders
{
    public sealed class LinuxBootParameters
    {
        public GuestMemoryLayout Memory;
        public string CommandLine = "";

        /// <summary>Length of the initrd (0 for none); its bytes are module 0 of the plan's sources.</summary>
        public ulong InitrdLength;

        /// <summary>Where the guest's ACPI RSDP is (boot_params.acpi_rsdp_addr); 0 lets the guest scan for it.</summary>
        public GuestPhysical AcpiRsdp;
    }

    public static class LinuxLoader
    {
        public const string Format = "bzImage";
        public const ulong DefaultLoadAddress = 0x1000000;
        public const ulong Entry64Offset = 0x200;
        public const int InitrdModule = 0;

        /// <summary>boot.rst: the ramdisk limit a kernel without initrd_addr_max (before 2.03) implies.</summary>
        public const uint DefaultInitrdAddrMax = 0x37FFFFFF;

        private const ulong OneMiB = 0x100000;
        private const ulong FourGiB = 0x100000000;

        public static bool TryPlan(ReadOnlySpan<byte> image, LinuxBootParameters parameters, out LoadPlan plan, out string error)
        {
            plan = null;
            if (!LinuxSetupHeader.TryParse(image, out LinuxSetupHeader header, out error))
                return false;
            if (!parameters.Memory.TryBuild(out GuestMemoryRange[] map, out error))
                return false;
            if (!TryCommandLine(parameters.CommandLine, header.CmdlineSize, out byte[] commandLine, out error))
                return false;
            LoadPlanBuilder builder = new LoadPlanBuilder();
            if (!TryChooseLoadAddress(header, map, builder, out ulong load, out error))
                return false;
            builder.AddBootTables(GuestStartMode.Long);
            builder.AddImage("kernel", load, (ulong)header.SetupSize, header.ProtectedModeSize, 0);
            builder.AddGenerated("command line", BootAddresses.CommandLine, commandLine);
            ulong initrd = 0;
            if (parameters.InitrdLength != 0 && !TryPlaceInitrd(header, map, builder, load, parameters.InitrdLength, out initrd, out error))
                return false;
            LinuxBootParams.Contents contents = new LinuxBootParams.Contents
            {
                KernelAddress = load,
                CommandLineAddress = BootAddresses.CommandLine,
                RamdiskAddress = initrd,
                RamdiskSize = parameters.InitrdLength,
                AcpiRsdpAddress = parameters.AcpiRsdp.Value,
                MemoryMap = map,
            };
            builder.AddGenerated("boot_params", BootAddresses.BootInformation, LinuxBootParams.Build(image, header, contents));
            builder.Start.Rip = load + Entry64Offset;
            builder.Start.Rsi = BootAddresses.BootInformation;
            return builder.TryFinish(Format, Format, map, out plan, out error);
        }

        /// <summary>The kernel needs init_size bytes from its load address while it decompresses itself.</summary>
        public static ulong Footprint(LinuxSetupHeader header) => Math.Max((ulong)header.InitSize, header.ProtectedModeSize);

        private static bool TryChooseLoadAddress(LinuxSetupHeader header, GuestMemoryRange[] map, LoadPlanBuilder builder,
            out ulong load, out string error)
        {
            ulong footprint = Footprint(header);
            load = header.PrefAddress;
            if (load != 0 && IsSuitable(header, map, load, footprint))
            {
                error = null;
                return true;
            }
            ulong alignment = header.KernelAlignment;
            load = (DefaultLoadAddress + alignment - 1) & ~(alignment - 1);
            if (!IsSuitable(header, map, load, footprint))
                return LoaderText.Fail("bzImage: no room for the kernel: it needs init_size " + LoaderText.Hex(footprint)
                    + " bytes of usable guest RAM at pref_address " + LoaderText.Hex(header.PrefAddress) + " or at " + LoaderText.Hex(load), out error);
            if (header.PrefAddress != 0)
                builder.Warn("bzImage: pref_address " + LoaderText.Hex(header.PrefAddress) + " is unusable (unaligned, below 1 MiB, above 4 GiB or without "
                    + LoaderText.Hex(footprint) + " bytes of RAM); the kernel is loaded at " + LoaderText.Hex(load));
            if (!header.Relocatable)
                builder.Warn("bzImage: the kernel is not relocatable and will move itself to pref_address");
            error = null;
            return true;
        }

        private static bool IsSuitable(LinuxSetupHeader header, GuestMemoryRange[] map, ulong address, ulong footprint)
        {
            // Below 1 MiB is the loader's and the BIOS's; above 4 GiB the plan's identity map does not reach.
            if (address < OneMiB || address + footprint > FourGiB || address + footprint < address)
                return false;
            if (header.Relocatable && (address & (header.KernelAlignment - 1)) != 0)
                return false;
            return GuestMemoryLayout.IsUsable(map, address, footprint);
        }

        private static bool TryPlaceInitrd(LinuxSetupHeader header, GuestMemoryRange[] map, LoadPlanBuilder builder, ulong load,
            ulong length, out ulong address, out string error)
        {
            uint addrMax = header.InitrdAddrMax != 0 ? header.InitrdAddrMax : DefaultInitrdAddrMax;
            ulong limit = (ulong)addrMax + 1;
            List<Occupied> occupied = builder.OccupiedRanges();
            occupied.Add(new Occupied(0, BootAddresses.LowAreaEnd));
            occupied.Add(new Occupied(load, load + Footprint(header)));
            if (!Placement.TryPlaceHigh(map, length, OneMiB, limit, occupied, out address))
                return LoaderText.Fail("bzImage: the initrd (" + LoaderText.Hex(length) + " bytes) does not fit in usable guest RAM below initrd_addr_max "
                    + LoaderText.Hex(addrMax) + " beside the kernel at " + LoaderText.Range(load, load + Footprint(header)), out error);
            builder.AddModule("initrd", address, InitrdModule, length);
            error = null;
            return true;
        }

        // NUL-terminated Latin-1 bytes; cmdline_size is the longest the kernel takes without the NUL.
        private static bool TryCommandLine(string text, uint cmdlineSize, out byte[] bytes, out string error)
        {
            bytes = null;
            if (text == null)
                text = "";
            if ((ulong)text.Length > cmdlineSize)
                return LoaderText.Fail("bzImage: the command line is " + LoaderText.Dec((ulong)text.Length)
                    + " bytes, longer than the kernel's cmdline_size " + LoaderText.Dec(cmdlineSize), out error);
            if ((ulong)text.Length + 1 > BootAddresses.CommandLineMaxSize)
                return LoaderText.Fail("bzImage: the command line is " + LoaderText.Dec((ulong)text.Length)
                    + " bytes, longer than the 65535 the loader has room for", out error);
            return LoaderText.TryNulTerminated(text, Format, "the command line", out bytes, out error);
        }
    }
}
