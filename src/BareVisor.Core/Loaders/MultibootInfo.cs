// Pure logic; no hardware. Builds the boot information a Multiboot kernel finds at EBX: the
// Multiboot 0.6.96 structure (section 3.3) or the Multiboot2 tag list (section 3.6), with every
// pointer inside the one block placed at BootAddresses.BootInformation. Runs at guest set-up.
using System;
using BareVisor.Core.Boot;

namespace BareVisor.Core.Loaders
{
    /// <summary>What goes into the information block; strings are NUL-terminated Latin-1.</summary>
    internal sealed class MultibootInfoInput
    {
        public GuestMemoryRange[] Map;
        public byte[] CommandLine;
        public byte[] LoaderName;
        public ulong[] ModuleStarts;
        public ulong[] ModuleLengths;
        public byte[][] ModuleNames;
        public byte[] Rsdp;
    }

    internal static class MultibootInfo
    {
        private const ulong OneMiB = 0x100000, LowMemoryLimit = 0xA0000;

        // Multiboot 1: flags bits for the fields we fill.
        private const uint FlagMemory = 1u << 0, FlagCommandLine = 1u << 2, FlagModules = 1u << 3;
        private const uint FlagMemoryMap = 1u << 6, FlagLoaderName = 1u << 9;
        private const int Info1Size = 120; // the 116-byte structure, rounded to 8

        // Multiboot2 information tag types.
        private const uint TagEnd = 0, TagCommandLine = 1, TagLoaderName = 2, TagModule = 3;
        private const uint TagBasicMemory = 4, TagMemoryMap = 6, TagAcpiOld = 14, TagAcpiNew = 15;

        public static bool TryBuildMultiboot1(MultibootInfoInput input, ulong baseAddress, out byte[] block, out string error)
        {
            BlobWriter w = new BlobWriter();
            BasicMemory(input.Map, out uint lowerKiB, out uint upperKiB);
            w.Zeros(Info1Size);
            int modules = w.Position;
            for (int i = 0; i < input.ModuleStarts.Length; i++)
                w.Zeros(16);
            int mmap = w.Position;
            for (int i = 0; i < input.Map.Length; i++)
            {
                w.U32(20);
                w.U64(input.Map[i].Start.Value);
                w.U64(input.Map[i].Length);
                w.U32((uint)input.Map[i].Type);
            }
            int mmapLength = w.Position - mmap;
            int commandLine = Append(w, input.CommandLine);
            int loaderName = Append(w, input.LoaderName);
            for (int i = 0; i < input.ModuleStarts.Length; i++)
            {
                int name = Append(w, input.ModuleNames[i]);
                int entry = modules + i * 16;
                w.PatchU32(entry, (uint)input.ModuleStarts[i]);
                w.PatchU32(entry + 4, (uint)(input.ModuleStarts[i] + input.ModuleLengths[i]));
                w.PatchU32(entry + 8, (uint)(baseAddress + (ulong)name));
            }
            uint flags = FlagMemory | FlagCommandLine | FlagModules | FlagMemoryMap | FlagLoaderName;
            w.PatchU32(0, flags);
            w.PatchU32(4, lowerKiB);
            w.PatchU32(8, upperKiB);
            w.PatchU32(16, (uint)(baseAddress + (ulong)commandLine));
            w.PatchU32(20, (uint)input.ModuleStarts.Length);
            w.PatchU32(24, (uint)(baseAddress + (ulong)modules));
            w.PatchU32(44, (uint)mmapLength);
            w.PatchU32(48, (uint)(baseAddress + (ulong)mmap));
            w.PatchU32(64, (uint)(baseAddress + (ulong)loaderName));
            return TryFinish(w, "Multiboot1", out block, out error);
        }

        public static bool TryBuildMultiboot2(MultibootInfoInput input, out byte[] block, out string error)
        {
            BlobWriter w = new BlobWriter();
            w.U32(0); // total_size, patched below
            w.U32(0);
            StringTag(w, TagCommandLine, input.CommandLine);
            StringTag(w, TagLoaderName, input.LoaderName);
            for (int i = 0; i < input.ModuleStarts.Length; i++)
            {
                w.U32(TagModule);
                w.U32((uint)(16 + input.ModuleNames[i].Length));
                w.U32((uint)input.ModuleStarts[i]);
                w.U32((uint)(input.ModuleStarts[i] + input.ModuleLengths[i]));
                w.Bytes(input.ModuleNames[i]);
                w.AlignTo(8);
            }
            BasicMemory(input.Map, out uint lowerKiB, out uint upperKiB);
            w.U32(TagBasicMemory);
            w.U32(16);
            w.U32(lowerKiB);
            w.U32(upperKiB);
            MemoryMapTag(w, input.Map);
            if (input.Rsdp != null)
            {
                w.U32(input.Rsdp.Length >= 36 ? TagAcpiNew : TagAcpiOld);
                w.U32((uint)(8 + input.Rsdp.Length));
                w.Bytes(input.Rsdp);
                w.AlignTo(8);
            }
            w.U32(TagEnd);
            w.U32(8);
            w.PatchU32(0, (uint)w.Position);
            return TryFinish(w, "Multiboot2", out block, out error);
        }

        /// <summary>mem_lower: KiB of usable RAM from 0 (at most 640); mem_upper: KiB of usable RAM from 1 MiB to the first hole.</summary>
        public static void BasicMemory(GuestMemoryRange[] map, out uint lowerKiB, out uint upperKiB)
        {
            ulong lower = 0, upper = 0;
            for (int i = 0; i < map.Length; i++)
            {
                if (map[i].Type != MemoryType.Usable)
                    continue;
                ulong start = map[i].Start.Value, end = map[i].End.Value;
                if (start == 0)
                    lower = Math.Min(end, LowMemoryLimit);
                if (start <= OneMiB && end > OneMiB)
                    upper = end - OneMiB;
            }
            lowerKiB = (uint)(lower / 1024);
            upperKiB = (uint)Math.Min(upper / 1024, uint.MaxValue);
        }

        private static void MemoryMapTag(BlobWriter w, GuestMemoryRange[] map)
        {
            w.U32(TagMemoryMap);
            w.U32((uint)(16 + 24 * map.Length));
            w.U32(24); // entry_size
            w.U32(0);  // entry_version
            for (int i = 0; i < map.Length; i++)
            {
                w.U64(map[i].Start.Value);
                w.U64(map[i].Length);
                w.U32((uint)map[i].Type);
                w.U32(0);
            }
            w.AlignTo(8);
        }

        private static void StringTag(BlobWriter w, uint type, byte[] text)
        {
            w.U32(type);
            w.U32((uint)(8 + text.Length));
            w.Bytes(text);
            w.AlignTo(8);
        }

        private static int Append(BlobWriter w, byte[] text)
        {
            int at = w.Position;
            w.Bytes(text);
            return at;
        }

        private static bool TryFinish(BlobWriter w, string prefix, out byte[] block, out string error)
        {
            block = null;
            if ((ulong)w.Position > BootAddresses.BootInformationMaxSize)
                return LoaderText.Fail(prefix + ": the boot information (" + LoaderText.Hex((ulong)w.Position)
                    + " bytes with its strings and memory map) exceeds the 64 KiB set aside at 0x10000", out error);
            block = w.ToArray();
            error = null;
            return true;
        }
    }
}
