// Pure logic; no hardware (CPUID through ICpu); may allocate the vendor and brand strings.
using System;
using System.Buffers.Binary;
using BareVisor.Core.Text;

namespace BareVisor.Core.Cpu
{
    /// <summary>Vendor, family/model/stepping and brand string from CPUID (Intel SDM Vol. 2A, CPUID).</summary>
    public static class CpuIdentification
    {
        public const uint ExtendedLeafBase = 0x80000000;
        public const uint BrandLeafFirst = 0x80000002;
        public const uint BrandLeafLast = 0x80000004;

        /// <summary>Leaf 0: EBX, EDX, ECX spell the vendor.</summary>
        public static string Vendor(CpuidResult leaf0)
        {
            Span<byte> bytes = stackalloc byte[12];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, leaf0.Ebx);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.Slice(4), leaf0.Edx);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.Slice(8), leaf0.Ecx);
            return Ascii.FromNulTerminated(bytes);
        }

        /// <summary>DisplayFamily: Family_ID, plus Extended_Family_ID when Family_ID is 0FH.</summary>
        public static uint DisplayFamily(uint leaf1Eax)
        {
            uint family = (leaf1Eax >> 8) & 0xF;
            return family == 0xF ? family + ((leaf1Eax >> 20) & 0xFF) : family;
        }

        /// <summary>DisplayModel: Model_ID, plus Extended_Model_ID &lt;&lt; 4 when Family_ID is 06H or 0FH.</summary>
        public static uint DisplayModel(uint leaf1Eax)
        {
            uint family = (leaf1Eax >> 8) & 0xF;
            uint model = (leaf1Eax >> 4) & 0xF;
            return family == 0x6 || family == 0xF ? model + (((leaf1Eax >> 16) & 0xF) << 4) : model;
        }

        public static uint Stepping(uint leaf1Eax) => leaf1Eax & 0xF;

        /// <summary>The 48-byte brand string without NULs and surrounding spaces; "" if the leaves are absent.</summary>
        public static string BrandString<TCpu>(ref TCpu cpu, uint maxExtendedLeaf) where TCpu : struct, ICpu
        {
            if (maxExtendedLeaf < BrandLeafLast)
                return "";
            Span<byte> bytes = stackalloc byte[48];
            for (uint leaf = BrandLeafFirst; leaf <= BrandLeafLast; leaf++)
            {
                CpuidResult r = cpu.Cpuid(leaf, 0);
                Span<byte> part = bytes.Slice((int)(leaf - BrandLeafFirst) * 16);
                BinaryPrimitives.WriteUInt32LittleEndian(part, r.Eax);
                BinaryPrimitives.WriteUInt32LittleEndian(part.Slice(4), r.Ebx);
                BinaryPrimitives.WriteUInt32LittleEndian(part.Slice(8), r.Ecx);
                BinaryPrimitives.WriteUInt32LittleEndian(part.Slice(12), r.Edx);
            }
            return TrimSpaces(bytes);
        }

        private static string TrimSpaces(ReadOnlySpan<byte> bytes)
        {
            int end = Ascii.IndexOfNul(bytes);
            if (end < 0)
                end = bytes.Length;
            int start = 0;
            while (start < end && bytes[start] == (byte)' ')
                start++;
            while (end > start && bytes[end - 1] == (byte)' ')
                end--;
            return Ascii.FromBytes(bytes.Slice(start, end - start));
        }
    }
}
