// Host test code. Synthetic guest images for the loader tests: bzImages, ELF32/ELF64 executables,
// Multiboot 1 and Multiboot2 headers. Each builder has fields to break one thing at a time.
using System;
using System.Collections.Generic;
using BareVisor.Core.Tests.Fakes;

namespace BareVisor.Core.Tests.Loaders
{
    /// <summary>A bzImage with a protocol 2.15 setup header like a distribution kernel's.</summary>
    public sealed class BzImageBuilder
    {
        public int SetupSects = 4;
        public ushort BootFlag = 0xAA55;
        public string Magic = "HdrS";
        public ushort Version = 0x020F;
        public byte JumpLength = 0x6A;   // header ends at 0x202 + this = 0x26C
        public byte LoadFlags = 0x01;
        public ushort XLoadFlags = 0x7F;
        public uint InitrdAddrMax = 0x7FFFFFFF;
        public uint KernelAlignment = 0x200000;
        public byte Relocatable = 1;
        public byte MinAlignment = 21;
        public uint CmdlineSize = 2047;
        public ulong PrefAddress = 0x1000000;
        public uint InitSize = 0x800000;
        public int ProtectedModeSize = 0x20000;
        public uint? Syssize;            // default: the protected-mode size / 16
        public int? TruncateTo;

        public byte[] Build()
        {
            int setup = (SetupSects == 0 ? 4 : SetupSects) + 1;
            byte[] image = new byte[setup * 512 + ProtectedModeSize];
            image[0x1F1] = (byte)SetupSects;
            Put32(image, 0x1F4, Syssize ?? (uint)(ProtectedModeSize / 16));
            Put16(image, 0x1FE, BootFlag);
            image[0x200] = 0xEB;
            image[0x201] = JumpLength;
            for (int i = 0; i < 4; i++)
                image[0x202 + i] = (byte)Magic[i];
            Put16(image, 0x206, Version);
            Put16(image, 0x20E, 0x0E00);      // kernel_version string pointer: any value
            image[0x211] = LoadFlags;
            Put32(image, 0x214, 0x100000);
            Put32(image, 0x22C, InitrdAddrMax);
            Put32(image, 0x230, KernelAlignment);
            image[0x234] = Relocatable;
            image[0x235] = MinAlignment;
            Put16(image, 0x236, XLoadFlags);
            Put32(image, 0x238, CmdlineSize);
            Put64(image, 0x258, PrefAddress);
            Put32(image, 0x260, InitSize);
            image[0x1EF] = 0xFF; // the sentinel: a loader must not copy it
            int pm = setup * 512;
            for (int i = 0; i < ProtectedModeSize; i++)
                image[pm + i] = (byte)(i * 7 + 3);
            image[pm + 0x200] = 0xFC; // cld; cli at the 64-bit entry, like arch/x86/boot/compressed/head_64.S
            image[pm + 0x201] = 0xFA;
            if (TruncateTo.HasValue)
                Array.Resize(ref image, TruncateTo.Value);
            return image;
        }

        public static void Put16(byte[] b, int at, ushort v) => BitConverter.GetBytes(v).CopyTo(b, at);
        public static void Put32(byte[] b, int at, uint v) => BitConverter.GetBytes(v).CopyTo(b, at);
        public static void Put64(byte[] b, int at, ulong v) => BitConverter.GetBytes(v).CopyTo(b, at);
    }

    public sealed class ElfSegmentSpec
    {
        public uint Type = 1;
        public ulong VirtualAddress;
        public ulong PhysicalAddress;
        public byte[] Data = new byte[0];
        public ulong MemorySize;         // 0: Data.Length
        public ulong? FileOffset;        // default: where the builder puts Data
        public ulong? FileSize;          // default: Data.Length
    }

    /// <summary>ELF32 (EM_386) or ELF64 (EM_X86_64) ET_EXEC with program headers, segment data, and
    /// an optional blob (a Multiboot header) placed right after the program headers.</summary>
    public sealed class ElfBuilder
    {
        public bool Is64;
        public ulong Entry;
        public ushort Type = 2;
        public ushort? Machine;
        public byte Data = 1;
        public ushort? PhentSize;
        public ulong? PhOff;
        public byte[] HeaderBlob;
        public readonly List<ElfSegmentSpec> Segments = new List<ElfSegmentSpec>();

        public ElfBuilder Segment(ulong physical, byte[] data, ulong memorySize = 0, ulong? virtualAddress = null)
        {
            Segments.Add(new ElfSegmentSpec { PhysicalAddress = physical, VirtualAddress = virtualAddress ?? physical, Data = data, MemorySize = memorySize });
            return this;
        }

        public int HeaderBlobOffset => (Is64 ? 64 : 52) + Segments.Count * (Is64 ? 56 : 32) + 7 & ~7;

        public byte[] Build()
        {
            int ehsize = Is64 ? 64 : 52, phsize = Is64 ? 56 : 32;
            int offset = HeaderBlobOffset + (HeaderBlob?.Length ?? 0);
            List<ulong> offsets = new List<ulong>();
            foreach (ElfSegmentSpec s in Segments)
            {
                offset = (offset + 15) & ~15;
                offsets.Add((ulong)offset);
                offset += s.Data.Length;
            }
            byte[] file = new byte[offset];
            file[0] = 0x7F; file[1] = (byte)'E'; file[2] = (byte)'L'; file[3] = (byte)'F';
            file[4] = (byte)(Is64 ? 2 : 1);
            file[5] = Data;
            file[6] = 1;
            BzImageBuilder.Put16(file, 16, Type);
            BzImageBuilder.Put16(file, 18, Machine ?? (ushort)(Is64 ? 62 : 3));
            BzImageBuilder.Put32(file, 20, 1);
            ulong phoff = PhOff ?? (ulong)ehsize;
            if (Is64)
            {
                BzImageBuilder.Put64(file, 24, Entry);
                BzImageBuilder.Put64(file, 32, phoff);
                BzImageBuilder.Put16(file, 52, (ushort)ehsize);
                BzImageBuilder.Put16(file, 54, PhentSize ?? (ushort)phsize);
                BzImageBuilder.Put16(file, 56, (ushort)Segments.Count);
            }
            else
            {
                BzImageBuilder.Put32(file, 24, (uint)Entry);
                BzImageBuilder.Put32(file, 28, (uint)phoff);
                BzImageBuilder.Put16(file, 40, (ushort)ehsize);
                BzImageBuilder.Put16(file, 42, PhentSize ?? (ushort)phsize);
                BzImageBuilder.Put16(file, 44, (ushort)Segments.Count);
            }
            for (int i = 0; i < Segments.Count; i++)
                WriteProgramHeader(file, ehsize + i * phsize, Segments[i], offsets[i]);
            HeaderBlob?.CopyTo(file, HeaderBlobOffset);
            for (int i = 0; i < Segments.Count; i++)
                Segments[i].Data.CopyTo(file, (int)offsets[i]);
            return file;
        }

        private void WriteProgramHeader(byte[] file, int at, ElfSegmentSpec s, ulong dataOffset)
        {
            ulong fileOffset = s.FileOffset ?? dataOffset;
            ulong fileSize = s.FileSize ?? (ulong)s.Data.Length;
            ulong memorySize = s.MemorySize != 0 ? s.MemorySize : (ulong)s.Data.Length;
            BzImageBuilder.Put32(file, at, s.Type);
            if (Is64)
            {
                BzImageBuilder.Put32(file, at + 4, 7);
                BzImageBuilder.Put64(file, at + 8, fileOffset);
                BzImageBuilder.Put64(file, at + 16, s.VirtualAddress);
                BzImageBuilder.Put64(file, at + 24, s.PhysicalAddress);
                BzImageBuilder.Put64(file, at + 32, fileSize);
                BzImageBuilder.Put64(file, at + 40, memorySize);
                BzImageBuilder.Put64(file, at + 48, 0x1000);
            }
            else
            {
                BzImageBuilder.Put32(file, at + 4, (uint)fileOffset);
                BzImageBuilder.Put32(file, at + 8, (uint)s.VirtualAddress);
                BzImageBuilder.Put32(file, at + 12, (uint)s.PhysicalAddress);
                BzImageBuilder.Put32(file, at + 16, (uint)fileSize);
                BzImageBuilder.Put32(file, at + 20, (uint)memorySize);
                BzImageBuilder.Put32(file, at + 24, 7);
                BzImageBuilder.Put32(file, at + 28, 0x1000);
            }
        }
    }

    public static class MultibootHeaders
    {
        /// <summary>magic, flags, checksum and, with bit 16, the five address fields.</summary>
        public static byte[] Multiboot1(uint flags, uint headerAddr = 0, uint loadAddr = 0, uint loadEndAddr = 0,
            uint bssEndAddr = 0, uint entryAddr = 0, uint? checksum = null)
        {
            ByteWriter w = new ByteWriter().U32(0x1BADB002).U32(flags).U32(checksum ?? unchecked(0u - 0x1BADB002u - flags));
            if ((flags & (1u << 16)) != 0)
                w.U32(headerAddr).U32(loadAddr).U32(loadEndAddr).U32(bssEndAddr).U32(entryAddr);
            return w.ToArray();
        }

        /// <summary>A Multiboot2 header with the given tags (each type, flags, payload) and an end tag.</summary>
        public static byte[] Multiboot2(params (ushort Type, ushort Flags, byte[] Payload)[] tags) => Multiboot2Raw(0, null, true, tags);

        public static byte[] Multiboot2Raw(uint architecture, uint? checksum, bool endTag, params (ushort Type, ushort Flags, byte[] Payload)[] tags)
        {
            ByteWriter w = new ByteWriter().U32(0xE85250D6).U32(architecture).U32(0).U32(0);
            foreach ((ushort type, ushort flags, byte[] payload) in tags)
                w.U16(type).U16(flags).U32((uint)(8 + payload.Length)).Raw(payload).AlignTo(8);
            if (endTag)
                w.U16(0).U16(0).U32(8);
            uint length = (uint)w.Position;
            w.PatchU32(8, length);
            w.PatchU32(12, checksum ?? unchecked(0u - 0xE85250D6u - architecture - length));
            return w.ToArray();
        }

        public static (ushort, ushort, byte[]) AddressTag(uint headerAddr, uint loadAddr, uint loadEndAddr, uint bssEndAddr) =>
            (2, 0, new ByteWriter().U32(headerAddr).U32(loadAddr).U32(loadEndAddr).U32(bssEndAddr).ToArray());

        public static (ushort, ushort, byte[]) EntryTag(uint entry) => (3, 0, new ByteWriter().U32(entry).ToArray());

        public static (ushort, ushort, byte[]) InformationRequest(bool optional, params uint[] types)
        {
            ByteWriter w = new ByteWriter();
            foreach (uint t in types)
                w.U32(t);
            return (1, (ushort)(optional ? 1 : 0), w.ToArray());
        }
    }
}
