// Pure logic; no hardware. Plans the boot of a Multiboot 1 or Multiboot2 kernel: its ELF32/ELF64
// PT_LOAD segments (or the header's a.out kludge addresses), modules page-aligned above it, the
// boot information at BootAddresses.BootInformation, entry in 32-bit protected mode with paging off,
// EAX = the loader magic and EBX = the information's address. Runs at guest set-up; allocates.
using System;
using System.Collections.Generic;
using BareVisor.Core.Guests;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Loaders
{
    /// <summary>A module handed to the guest: its length (the bytes are the plan's module source) and string.</summary>
    public readonly struct LoaderModule
    {
        public readonly ulong Length;
        public readonly string CommandLine;

        public LoaderModule(ulong length, string commandLine)
        {
            Length = length;
            CommandLine = commandLine;
        }
    }

    public sealed class MultibootParameters
    {
        public GuestMemoryLayout Memory;
        public string CommandLine = "";
        public string BootLoaderName = "BareVisor";
        public LoaderModule[] Modules = new LoaderModule[0];

        /// <summary>Multiboot2 only: RSDP bytes for tag 14 (20 bytes, ACPI 1.0) or 15 (36 bytes); null for none.</summary>
        public byte[] AcpiRsdp;
    }

    public static class MultibootLoader
    {
        public const int MaxModules = 256;

        private const ulong FourGiB = 0x100000000;

        /// <summary>Multiboot2 if the image has its header, else Multiboot 1.</summary>
        public static bool TryPlan(ReadOnlySpan<byte> image, MultibootParameters parameters, out LoadPlan plan, out string error)
        {
            if (Multiboot2Header.IsPresent(image))
                return TryPlanMultiboot2(image, parameters, out plan, out error);
            return TryPlanMultiboot1(image, parameters, out plan, out error);
        }

        public static bool TryPlanMultiboot1(ReadOnlySpan<byte> image, MultibootParameters parameters, out LoadPlan plan, out string error)
        {
            plan = null;
            const string prefix = "Multiboot1";
            if (!Multiboot1Header.TryFind(image, out Multiboot1Header header, out error))
                return false;
            if (!TryPrepare(parameters, prefix, out GuestMemoryRange[] map, out MultibootInfoInput input, out error))
                return false;
            LoadPlanBuilder builder = new LoadPlanBuilder();
            if (header.WantsVideoMode)
                builder.Warn("Multiboot1: flags bit 2 (video mode) ignored: no framebuffer, the guest starts in text mode");
            if (!TryAddKernel(image, prefix, header.HasAddresses, header.Addresses, header.Offset, false, 0, builder,
                out ulong entry, out ulong kernelEnd, out string kind, out error))
                return false;
            if (!TryPlaceModules(parameters, map, prefix, kernelEnd, builder, input, out error))
                return false;
            if (!MultibootInfo.TryBuildMultiboot1(input, BootAddresses.BootInformation, out byte[] block, out error))
                return false;
            return Finish(builder, prefix + " " + kind, prefix, Multiboot1Header.BootloaderMagic, entry, block, map, out plan, out error);
        }

        public static bool TryPlanMultiboot2(ReadOnlySpan<byte> image, MultibootParameters parameters, out LoadPlan plan, out string error)
        {
            plan = null;
            const string prefix = "Multiboot2";
            if (!Multiboot2Header.TryFind(image, out Multiboot2Header header, out error))
                return false;
            if (!TryCheckRequests(header, parameters, out error))
                return false;
            if (header.HasAddress && !header.HasEntry)
                return LoaderText.Fail("Multiboot2: the header has an address tag (2) but no entry address tag (3)", out error);
            if (!TryPrepare(parameters, prefix, out GuestMemoryRange[] map, out MultibootInfoInput input, out error))
                return false;
            if (parameters.AcpiRsdp != null && parameters.AcpiRsdp.Length < 20)
                return LoaderText.Fail("Multiboot2: the RSDP copy is shorter than 20 bytes", out error);
            input.Rsdp = parameters.AcpiRsdp;
            LoadPlanBuilder builder = new LoadPlanBuilder();
            for (int i = 0; i < header.Warnings.Length; i++)
                builder.Warn(header.Warnings[i]);
            KludgeAddresses addresses = header.Addresses;
            addresses.EntryAddr = header.EntryAddr;
            if (!TryAddKernel(image, prefix, header.HasAddress, addresses, header.Offset, header.HasEntry, header.EntryAddr, builder,
                out ulong entry, out ulong kernelEnd, out string kind, out error))
                return false;
            if (!TryPlaceModules(parameters, map, prefix, kernelEnd, builder, input, out error))
                return false;
            if (!MultibootInfo.TryBuildMultiboot2(input, out byte[] block, out error))
                return false;
            return Finish(builder, prefix + " " + kind, prefix, Multiboot2Header.BootloaderMagic, entry, block, map, out plan, out error);
        }

        private static bool Finish(LoadPlanBuilder builder, string format, string prefix, uint magic, ulong entry, byte[] block,
            GuestMemoryRange[] map, out LoadPlan plan, out string error)
        {
            builder.AddGenerated("Multiboot information", BootAddresses.BootInformation, block);
            builder.AddBootTables(GuestStartMode.Protected);
            builder.Start.Rip = entry;
            builder.Start.Rax = magic;
            builder.Start.Rbx = BootAddresses.BootInformation;
            return builder.TryFinish(format, prefix, map, out plan, out error);
        }

        // Information tags a Multiboot2 kernel may demand; anything else it demands is refused.
        private static bool TryCheckRequests(Multiboot2Header header, MultibootParameters parameters, out string error)
        {
            for (int i = 0; i < header.RequiredInformation.Length; i++)
            {
                uint type = header.RequiredInformation[i];
                bool provided = type == 1 || type == 2 || type == 3 || type == 4 || type == 6
                    || (parameters.AcpiRsdp != null && (type == 14 || type == 15));
                if (!provided)
                    return LoaderText.Fail("Multiboot2: the kernel requires information tag " + LoaderText.Dec(type)
                        + ", which this loader does not provide", out error);
            }
            error = null;
            return true;
        }

        private static bool TryPrepare(MultibootParameters parameters, string prefix, out GuestMemoryRange[] map,
            out MultibootInfoInput input, out string error)
        {
            input = null;
            if (!parameters.Memory.TryBuild(out map, out error))
                return false;
            LoaderModule[] modules = parameters.Modules ?? new LoaderModule[0];
            if (modules.Length > MaxModules)
                return LoaderText.Fail(prefix + ": " + LoaderText.Dec((ulong)modules.Length) + " modules exceed the limit of 256", out error);
            MultibootInfoInput result = new MultibootInfoInput
            {
                Map = map,
                ModuleStarts = new ulong[modules.Length],
                ModuleLengths = new ulong[modules.Length],
                ModuleNames = new byte[modules.Length][],
            };
            if (!LoaderText.TryNulTerminated(parameters.CommandLine, prefix, "the command line", out result.CommandLine, out error)
                || !LoaderText.TryNulTerminated(parameters.BootLoaderName, prefix, "the boot loader name", out result.LoaderName, out error))
                return false;
            for (int i = 0; i < modules.Length; i++)
            {
                if (!LoaderText.TryNulTerminated(modules[i].CommandLine, prefix, "module " + LoaderText.Dec((ulong)i) + "'s string",
                    out result.ModuleNames[i], out error))
                    return false;
                result.ModuleLengths[i] = modules[i].Length;
            }
            input = result;
            return true;
        }

        private static bool TryAddKernel(ReadOnlySpan<byte> image, string prefix, bool hasAddresses, in KludgeAddresses addresses,
            int headerOffset, bool hasEntryOverride, uint entryOverride, LoadPlanBuilder builder,
            out ulong entry, out ulong kernelEnd, out string kind, out string error)
        {
            entry = 0;
            kernelEnd = 0;
            kind = "a.out kludge";
            if (hasAddresses)
            {
                if (!KludgeLayout.TryCompute(addresses, headerOffset, image.Length, prefix, out KludgeLayout layout, out error))
                    return false;
                builder.AddImage("kernel", layout.LoadAddress, layout.FileOffset, layout.FileLength, layout.BssLength);
                entry = addresses.EntryAddr;
                kernelEnd = layout.LoadAddress + layout.FileLength + layout.BssLength;
                return TryCheckBelow4GiB(prefix, "the kernel", layout.LoadAddress, kernelEnd, out error);
            }
            if (!ElfImage.TryParse(image, out ElfImage elf, out error))
            {
                error = ElfImage.IsElf(image) ? error
                    : prefix + ": the image is not ELF and its header does not give load addresses (" + (prefix == "Multiboot1" ? "flags bit 16" : "address tag") + ")";
                return false;
            }
            kind = elf.Is64 ? "ELF64" : "ELF32";
            for (int i = 0; i < elf.LoadSegments.Length; i++)
            {
                ElfSegment s = elf.LoadSegments[i];
                string name = "ELF program header " + LoaderText.Dec((ulong)s.Index);
                ulong end = s.PhysicalAddress + s.MemorySize;
                if (!TryCheckBelow4GiB("ELF", "program header " + LoaderText.Dec((ulong)s.Index), s.PhysicalAddress, end, out error))
                    return false;
                builder.AddImage(name, s.PhysicalAddress, s.FileOffset, s.FileSize, s.MemorySize - s.FileSize);
                kernelEnd = Math.Max(kernelEnd, end);
            }
            if (hasEntryOverride)
                entry = entryOverride;
            else if (!elf.TryPhysicalEntry(out entry))
                return LoaderText.Fail("ELF: entry point " + LoaderText.Hex(elf.Entry) + " is not inside any PT_LOAD segment", out error);
            return TryCheckBelow4GiB("ELF", "the entry point", entry, entry + 1, out error);
        }

        private static bool TryCheckBelow4GiB(string prefix, string what, ulong start, ulong end, out string error)
        {
            if (end > FourGiB)
                return LoaderText.Fail(prefix + ": " + what + " at " + LoaderText.Range(start, end)
                    + " is above 4 GiB, out of reach of a 32-bit entry with paging off", out error);
            error = null;
            return true;
        }

        // Modules go page-aligned, in order, from the first free page above the kernel.
        private static bool TryPlaceModules(MultibootParameters parameters, GuestMemoryRange[] map, string prefix, ulong kernelEnd,
            LoadPlanBuilder builder, MultibootInfoInput input, out string error)
        {
            ulong minimum = Math.Max(kernelEnd, BootAddresses.LowAreaEnd);
            for (int i = 0; i < input.ModuleLengths.Length; i++)
            {
                ulong length = input.ModuleLengths[i];
                List<Occupied> occupied = builder.OccupiedRanges();
                occupied.Add(new Occupied(0, BootAddresses.LowAreaEnd));
                if (!Placement.TryPlaceLow(map, length == 0 ? 1 : length, minimum, occupied, out ulong address) || address + length > FourGiB)
                    return LoaderText.Fail(prefix + ": module " + LoaderText.Dec((ulong)i) + " (" + LoaderText.Hex(length)
                        + " bytes) does not fit in usable guest RAM below 4 GiB above the kernel (which ends at " + LoaderText.Hex(kernelEnd) + ")", out error);
                builder.AddModule("module " + LoaderText.Dec((ulong)i), address, i, length);
                input.ModuleStarts[i] = address;
                minimum = address + length;
            }
            error = null;
            return true;
        }
    }
}
