// Host side. The USB image's bytes: an MBR with GRUB's boot code pointing at core.img in sector 1,
// one active FAT32 partition at 1 MiB that firmware will recognise as FAT32 (by cluster count).
using System;
using System.Buffers.Binary;
using System.IO;
using BareVisor.BootMediaTests.Infrastructure;
using BareVisor.ImageTool;
using Xunit;

namespace BareVisor.BootMediaTests;

public sealed class UsbImageLayoutTests
{
    [Fact]
    public void TheMbrHasOneActiveFat32PartitionAndGrubsBootCode()
    {
        byte[] head = new byte[2048 * 512 + 512];
        using (var stream = File.OpenRead(TestMedia.Get().UsbImage))
            stream.ReadExactly(head);
        long imageBytes = new FileInfo(TestMedia.Get().UsbImage).Length;
        Assert.Equal(0x55, head[510]);
        Assert.Equal(0xAA, head[511]);
        Assert.Equal(1UL, BinaryPrimitives.ReadUInt64LittleEndian(head.AsSpan(0x5C)));         // core.img's sector
        Assert.Equal(new byte[] { 0x90, 0x90 }, head[0x66..0x68]);                           // hard-disk drive fix-up on
        Span<byte> entry = head.AsSpan(446, 16);
        Assert.Equal(0x80, entry[0]);
        Assert.Equal(MasterBootRecord.Fat32LbaType, entry[4]);
        Assert.Equal(2048u, BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]));
        Assert.Equal(imageBytes / 512 - 2048, BinaryPrimitives.ReadUInt32LittleEndian(entry[12..]));
        Assert.True(head.AsSpan(446 + 16, 48).IndexOfAnyExcept((byte)0) < 0, "only one partition");
        Assert.Equal(2UL, BinaryPrimitives.ReadUInt64LittleEndian(head.AsSpan(512 + 0x1F4)));   // core.img's block list: the rest from sector 2
        Span<byte> boot = head.AsSpan(2048 * 512, 512);
        Assert.Equal("FAT32   ", System.Text.Encoding.ASCII.GetString(boot.Slice(0x52, 8)));
        Assert.Equal(2048u, BinaryPrimitives.ReadUInt32LittleEndian(boot[0x1C..]));          // hidden sectors
    }

    [Theory]
    [InlineData(64L << 20, 1)]
    [InlineData(256L << 20, 4)]
    [InlineData(2L << 30, 32)]
    [InlineData(64L << 30, 64)]
    public void ClustersStaySmallEnoughForFat32(long bytes, int sectorsPerCluster)
    {
        long sectors = bytes / 512;
        Assert.Equal(sectorsPerCluster, FatImage.SectorsPerCluster(sectors));
        Assert.True(sectors / sectorsPerCluster > 65525 || sectorsPerCluster == 64);
    }

    [Fact]
    public void ThePartitionFitsTheFilesWithRoomToSpare()
    {
        Assert.Equal(UsbImageBuilder.MinimumPartitionBytes, UsbImageBuilder.PartitionBytes(1 << 20, 0));
        Assert.Equal(141L << 20, UsbImageBuilder.PartitionBytes(100L << 20, 0));
        Assert.Equal((1L << 30) - (1L << 20), UsbImageBuilder.PartitionBytes(1 << 20, 1L << 30));
    }

    [Theory]
    [InlineData(0, new byte[] { 0, 1, 0 })]
    [InlineData(2048, new byte[] { 32, 33, 0 })]
    [InlineData(16450559, new byte[] { 254, 0xFF, 0xFF })]
    [InlineData(99999999, new byte[] { 254, 0xFF, 0xFF })]
    public void ChsFieldsFollowTheClassicGeometry(long lba, byte[] chs)
    {
        byte[] field = new byte[3];
        MasterBootRecord.WriteChs(field, lba);
        Assert.Equal(chs, field);
    }
}
