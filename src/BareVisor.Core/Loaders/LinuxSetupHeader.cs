// Pure logic; no hardware. Reads and checks the setup header of a Linux x86 bzImage
// (Documentation/arch/x86/boot.rst, boot protocol 2.12 to 2.15). Runs at guest set-up.
using System;
using System.Buffers.Binary;

namespace BareVisor.Core.Loaders
{
    /// <summary>The setup header fields a 64-bit loader needs, checked against the image they came from.</summary>
    public sealed class LinuxSetupHeader
    {
        // Offsets in the image (and in boot_params: the header sits at the same offsets there).
        public const int SetupSectsOffset = 0x1F1;
        public const int SyssizeOffset = 0x1F4;
        private const ulong SyssizeRounding = 15;
        public const int BootFlagOffset = 0x1FE;
        public const int JumpOffset = 0x200;
        public const int MagicOffset = 0x202;
        public const int VersionOffset = 0x206;
        public const int TypeOfLoaderOffset = 0x210;
        public const int LoadFlagsOffset = 0x211;
        public const int Code32StartOffset = 0x214;
        public const int RamdiskImageOffset = 0x218;
        public const int RamdiskSizeOffset = 0x21C;
        public const int CmdLinePtrOffset = 0x228;
        public const int InitrdAddrMaxOffset = 0x22C;
        public const int KernelAlignmentOffset = 0x230;
        public const int RelocatableKernelOffset = 0x234;
        public const int MinAlignmentOffset = 0x235;
        public const int XLoadFlagsOffset = 0x236;
        public const int CmdlineSizeOffset = 0x238;
        public const int PrefAddressOffset = 0x258;
        public const int InitSizeOffset = 0x260;

        /// <summary>The header ends before edd_mbr_sig_buffer in boot_params, whatever the image says.</summary>
        public const int MaxHeaderEnd = 0x290;

        public const ushort BootFlag = 0xAA55;
        public const uint Magic = 0x53726448;          // "HdrS"
        public const ushort MinimumVersion = 0x020C;   // 2.12: xloadflags
        public const byte LoadedHigh = 1 << 0;
        public const ushort XlfKernel64 = 1 << 0;

        private const int MinimumImageSize = 0x400;    // boot sector and the header's sector
        private const int HeaderEndFor212 = InitSizeOffset + 8; // through handover_offset

        public ushort Version;
        public int SetupSects;
        public int SetupSize;            // (setup_sects + 1) * 512: where the protected-mode kernel starts
        public ulong ProtectedModeSize;  // the rest of the file
        public uint Syssize;
        public byte LoadFlags;
        public ushort XLoadFlags;
        public uint InitrdAddrMax;
        public uint KernelAlignment;
        public bool Relocatable;
        public byte MinAlignment;
        public uint CmdlineSize;
        public ulong PrefAddress;
        public uint InitSize;

        /// <summary>One past the setup header's last byte: 0x202 + the byte at 0x201.</summary>
        public int HeaderEnd;

        public static bool TryParse(ReadOnlySpan<byte> image, out LinuxSetupHeader header, out string error)
        {
            header = null;
            if (image.Length < MinimumImageSize)
                return LoaderText.Fail("bzImage: the image is " + LoaderText.Dec((ulong)image.Length)
                    + " bytes, too small to hold a boot sector and a setup header (1024)", out error);
            ushort bootFlag = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(BootFlagOffset));
            if (bootFlag != BootFlag)
                return LoaderText.Fail("bzImage: boot_flag 0xAA55 missing at 0x1FE (found " + LoaderText.Hex(bootFlag) + ")", out error);
            if (BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(MagicOffset)) != Magic)
                return LoaderText.Fail("bzImage: setup header magic 'HdrS' missing at 0x202", out error);
            LinuxSetupHeader h = new LinuxSetupHeader();
            h.Version = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(VersionOffset));
            if (h.Version < MinimumVersion)
                return LoaderText.Fail("bzImage: boot protocol " + VersionText(h.Version)
                    + " is older than 2.12, the first with xloadflags and a 64-bit entry", out error);
            h.HeaderEnd = JumpOffset + 2 + image[JumpOffset + 1];
            if (h.HeaderEnd < HeaderEndFor212)
                return LoaderText.Fail("bzImage: the setup header ends at " + LoaderText.Hex((ulong)h.HeaderEnd)
                    + " (0x202 + the byte at 0x201), before init_size and handover_offset, which protocol 2.12 has", out error);
            if (!h.TryReadLayout(image, out error) || !h.TryReadFields(image, out error))
                return false;
            header = h;
            return true;
        }

        private bool TryReadLayout(ReadOnlySpan<byte> image, out string error)
        {
            SetupSects = image[SetupSectsOffset];
            if (SetupSects == 0)
                SetupSects = 4; // boot.rst: a value of 0 means 4
            SetupSize = (SetupSects + 1) * 512;
            if (SetupSize >= image.Length)
                return LoaderText.Fail("bzImage: setup_sects " + LoaderText.Dec((ulong)SetupSects) + " puts the protected-mode kernel at "
                    + LoaderText.Hex((ulong)SetupSize) + ", past the end of the " + LoaderText.Dec((ulong)image.Length) + "-byte image", out error);
            ProtectedModeSize = (ulong)(image.Length - SetupSize);
            Syssize = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(SyssizeOffset));
            // syssize counts 16-byte paragraphs, rounded up (boot.rst), so the file may end up to
            // 15 bytes before syssize * 16, and GRUB and QEMU boot such images.
            if ((ulong)Syssize * 16 > ProtectedModeSize + SyssizeRounding)
                return LoaderText.Fail("bzImage: syssize says " + LoaderText.Hex((ulong)Syssize * 16) + " bytes of protected-mode code but only "
                    + LoaderText.Hex(ProtectedModeSize) + " follow the setup code (the image is truncated)", out error);
            error = null;
            return true;
        }

        private bool TryReadFields(ReadOnlySpan<byte> image, out string error)
        {
            LoadFlags = image[LoadFlagsOffset];
            XLoadFlags = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(XLoadFlagsOffset));
            InitrdAddrMax = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(InitrdAddrMaxOffset));
            KernelAlignment = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(KernelAlignmentOffset));
            Relocatable = image[RelocatableKernelOffset] != 0;
            MinAlignment = image[MinAlignmentOffset];
            CmdlineSize = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(CmdlineSizeOffset));
            PrefAddress = BinaryPrimitives.ReadUInt64LittleEndian(image.Slice(PrefAddressOffset));
            InitSize = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(InitSizeOffset));
            if ((LoadFlags & LoadedHigh) == 0)
                return LoaderText.Fail("bzImage: loadflags bit 0 (LOADED_HIGH) is clear: a zImage loaded at 0x10000 is not supported", out error);
            if ((XLoadFlags & XlfKernel64) == 0)
                return LoaderText.Fail("bzImage: xloadflags bit 0 (XLF_KERNEL_64) is clear: the kernel has no 64-bit entry point", out error);
            if (KernelAlignment == 0 || (KernelAlignment & (KernelAlignment - 1)) != 0)
                return LoaderText.Fail("bzImage: kernel_alignment " + LoaderText.Hex(KernelAlignment) + " is not a power of two", out error);
            if (InitSize < ProtectedModeSize)
                return LoaderText.Fail("bzImage: init_size " + LoaderText.Hex(InitSize) + " is smaller than the "
                    + LoaderText.Hex(ProtectedModeSize) + " bytes of protected-mode kernel", out error);
            error = null;
            return true;
        }

        /// <summary>"2.15" for 0x020F.</summary>
        public static string VersionText(ushort version) =>
            LoaderText.Dec((ulong)(version >> 8)) + "." + LoaderText.Dec((ulong)(version & 0xFF));

        /// <summary>True if the image carries the boot sector flag and "HdrS": worth handing to the Linux loader.</summary>
        public static bool IsPresent(ReadOnlySpan<byte> image) =>
            image.Length >= MagicOffset + 4
            && BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(BootFlagOffset)) == BootFlag
            && BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(MagicOffset)) == Magic;
    }
}
