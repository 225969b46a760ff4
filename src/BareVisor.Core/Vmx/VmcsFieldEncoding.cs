// Pure logic; no hardware. What a VMCS field encoding says about itself (Intel SDM Vol. 3C,
// "VMREAD, VMWRITE, and Encodings of VMCS Fields"): bit 0 access type (0 full, 1 high), bits 9:1
// index, bits 11:10 type, bits 14:13 width.
namespace BareVisor.Core.Vmx
{
    /// <summary>Encoding bits 14:13.</summary>
    public enum VmcsFieldWidth
    {
        Bits16 = 0,
        Bits64 = 1,
        Bits32 = 2,
        Natural = 3,
    }

    /// <summary>Encoding bits 11:10.</summary>
    public enum VmcsFieldType
    {
        Control = 0,
        /// <summary>VM-exit information: read-only data.</summary>
        ReadOnlyData = 1,
        GuestState = 2,
        HostState = 3,
    }

    public static class VmcsFieldEncoding
    {
        public static VmcsFieldWidth Width(uint encoding) => (VmcsFieldWidth)((encoding >> 13) & 3);

        public static VmcsFieldType Type(uint encoding) => (VmcsFieldType)((encoding >> 10) & 3);

        /// <summary>Bits 9:1.</summary>
        public static uint Index(uint encoding) => (encoding >> 1) & 0x1FF;

        /// <summary>Bit 0: the encoding accesses the high 32 bits of a 64-bit field.</summary>
        public static bool IsHighAccess(uint encoding) => (encoding & 1) != 0;

        /// <summary>The encoding of the high 32 bits of a 64-bit field (for 32-bit code; 64-bit code reads the full field).</summary>
        public static uint HighAccess(VmcsField64 field) => (uint)field | 1;

        /// <summary>Digits a hex dump of the field needs: 4, 8 or 16.</summary>
        public static int HexDigits(uint encoding)
        {
            switch (Width(encoding))
            {
                case VmcsFieldWidth.Bits16: return 4;
                case VmcsFieldWidth.Bits32: return 8;
                default: return 16;
            }
        }

        /// <summary>The value truncated to what the field holds (VMWRITE ignores the excess bits of the source).</summary>
        public static ulong Truncate(uint encoding, ulong value)
        {
            switch (Width(encoding))
            {
                case VmcsFieldWidth.Bits16: return value & 0xFFFF;
                case VmcsFieldWidth.Bits32: return value & 0xFFFF_FFFF;
                default: return value;
            }
        }
    }
}
