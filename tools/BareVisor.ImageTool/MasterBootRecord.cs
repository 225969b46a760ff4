// Host side. Sector 0 of the USB image: GRUB's BIOS boot code (boot.img) and a classic MBR
// partition table with one bootable FAT32 partition. No root, no loop devices: plain bytes.
using System;
using System.Buffers.Binary;

namespace BareVisor.ImageTool;

public static class MasterBootRecord
{
    public const int SectorSize = 512;

    /// <summary>FAT32 with LBA addressing: what BIOSes, UEFI firmware and every desktop OS mount.</summary>
    public const byte Fat32LbaType = 0x0C;

    private const int BootCodeLength = 440;          // then the disk signature, 2 reserved bytes, the table
    private const int DiskSignatureOffset = 440;
    private const int PartitionTableOffset = 446;
    private const int SignatureOffset = 510;

    // boot.img (grub-core/boot/i386/pc/boot.S): where core.img starts (LBA, 8 bytes) and the 2-byte
    // jump that skips the "boot drive must be a hard disk" fix-up, which grub-install replaces with
    // NOPs for disks, as some BIOSes pass a floppy's drive number when booting a USB stick.
    private const int KernelSectorOffset = 0x5C;
    private const int DriveCheckOffset = 0x66;

    // Classic BIOS geometry for CHS fields (LBA fields are what anything newer than 1995 reads).
    private const int Heads = 255;
    private const int SectorsPerTrack = 63;

    /// <summary>The MBR: boot.img's code pointing at core.img in sector coreSector, and one active partition.</summary>
    public static byte[] Build(ReadOnlySpan<byte> bootImage, long coreSector, long partitionStart, long partitionSectors,
                               byte partitionType, uint diskSignature)
    {
        if (bootImage.Length != SectorSize || bootImage[SignatureOffset] != 0x55 || bootImage[SignatureOffset + 1] != 0xAA)
            throw new ImageToolException("GRUB's boot.img is not a 512-byte boot sector; reinstall the Debian package 'grub-pc-bin'", ExitCodes.HostTool);
        if (partitionStart + partitionSectors > uint.MaxValue)
            throw new ImageToolException("the image is larger than an MBR partition table can describe (2 TiB)");
        byte[] sector = new byte[SectorSize];
        bootImage[..BootCodeLength].CopyTo(sector);
        BinaryPrimitives.WriteUInt64LittleEndian(sector.AsSpan(KernelSectorOffset), (ulong)coreSector);
        if (sector[DriveCheckOffset] == 0xEB)
        {
            sector[DriveCheckOffset] = 0x90;
            sector[DriveCheckOffset + 1] = 0x90;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(sector.AsSpan(DiskSignatureOffset), diskSignature);
        WritePartition(sector.AsSpan(PartitionTableOffset, 16), partitionStart, partitionSectors, partitionType);
        sector[SignatureOffset] = 0x55;
        sector[SignatureOffset + 1] = 0xAA;
        return sector;
    }

    private static void WritePartition(Span<byte> entry, long start, long sectors, byte type)
    {
        entry[0] = 0x80; // active: some BIOSes boot only a disk with an active partition
        WriteChs(entry[1..4], start);
        entry[4] = type;
        WriteChs(entry[5..8], start + sectors - 1);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], (uint)start);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[12..], (uint)sectors);
    }

    /// <summary>head, sector | cylinder bits 8-9 &lt;&lt; 6, cylinder bits 0-7; past cylinder 1023 the maximum.</summary>
    public static void WriteChs(Span<byte> chs, long lba)
    {
        long cylinder = lba / (Heads * SectorsPerTrack);
        long head = lba / SectorsPerTrack % Heads;
        long sector = lba % SectorsPerTrack + 1;
        if (cylinder > 1023)
            (cylinder, head, sector) = (1023, Heads - 1, SectorsPerTrack);
        chs[0] = (byte)head;
        chs[1] = (byte)(sector | ((cylinder >> 2) & 0xC0));
        chs[2] = (byte)(cylinder & 0xFF);
    }
}
