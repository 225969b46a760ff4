// Host side. A raw disk image for a USB stick (write it with dd) that BIOS and UEFI firmware both boot:
//   sector 0           MBR: GRUB's boot.img and one active FAT32 partition (type 0x0C)
//   sectors 1-2047     GRUB's BIOS core.img (the "MBR gap" grub-install uses)
//   from 1 MiB         FAT32: EFI/BOOT/BOOTX64.EFI (GRUB for UEFI), boot/grub/grub.cfg,
//                      boot/barevisor.elf, boot/vms.conf, boot/guests/...
// Both GRUBs find the partition by its volume serial and read the same grub.cfg. The file system is
// made with mtools at an offset inside the image: no root, no loop devices, no mounts.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;

namespace BareVisor.ImageTool;

public static class UsbImageBuilder
{
    public const long PartitionStartSector = 2048;
    private const long MiB = 1 << 20;

    /// <summary>Room for FAT32's minimum of 65525 clusters at one sector per cluster, with margin.</summary>
    public const long MinimumPartitionBytes = 64 * MiB;

    public static void Build(MediaInputs inputs, string outputPath, long minimumImageBytes)
    {
        HostTool.Require("grub-mkimage", "mformat", "mcopy", GrubDirectories.BiosModules, GrubDirectories.EfiModules);
        byte[] id = ImageId(inputs);
        string fatSerial = Convert.ToHexString(id, 0, 4);
        string fatUuid = fatSerial[..4] + "-" + fatSerial[4..];
        string findPartition = GrubImages.FindPartitionScript(fatUuid);
        byte[] core = GrubImages.Build("i386-pc", "/boot/grub", findPartition, GrubImages.BiosDisk);
        byte[] efi = GrubImages.Build("x86_64-efi", "/boot/grub", findPartition, GrubImages.EfiDisk);
        if (core.Length > (PartitionStartSector - 1) * MasterBootRecord.SectorSize)
            throw new ImageToolException($"GRUB's core.img is {core.Length} bytes, more than the 1 MiB gap before the partition", ExitCodes.HostTool);

        using var staging = new TemporaryDirectory("barevisor-usb-");
        foreach (MediumFile file in MediaLayout.Files(inputs, "boot"))
            MediaLayout.Write(staging.Path, file);
        MediaLayout.Write(staging.Path, new MediumFile("boot/grub/grub.cfg", null, System.Text.Encoding.ASCII.GetBytes(MediaLayout.GrubConfig(inputs, "/boot"))));
        MediaLayout.Write(staging.Path, new MediumFile("EFI/BOOT/BOOTX64.EFI", null, efi));

        long partitionBytes = PartitionBytes(DirectoryBytes(staging.Path), minimumImageBytes);
        long partitionSectors = partitionBytes / MasterBootRecord.SectorSize;
        OutputFile.PrepareDirectory(outputPath);
        WriteDisk(outputPath, core, partitionSectors, BitConverter.ToUInt32(id, 4));
        FatImage.Format(outputPath, PartitionStartSector * MasterBootRecord.SectorSize, partitionSectors, fatSerial, "BAREVISOR");
        FatImage.CopyTree(outputPath, PartitionStartSector * MasterBootRecord.SectorSize, staging.Path);
    }

    /// <summary>The partition: the files plus a quarter and 16 MiB to spare, at least 64 MiB, filling minimumImageBytes.</summary>
    public static long PartitionBytes(long contentBytes, long minimumImageBytes)
    {
        long wanted = Math.Max(MinimumPartitionBytes, contentBytes + contentBytes / 4 + 16 * MiB);
        wanted = Math.Max(wanted, minimumImageBytes - PartitionStartSector * MasterBootRecord.SectorSize);
        return (wanted + MiB - 1) / MiB * MiB;
    }

    // Sparse: only the MBR, core.img and what mtools writes take space on the host.
    private static void WriteDisk(string path, byte[] core, long partitionSectors, uint diskSignature)
    {
        byte[] bootImage = File.ReadAllBytes(Path.Combine(GrubDirectories.BiosModules, "boot.img"));
        byte[] mbr = MasterBootRecord.Build(bootImage, 1, PartitionStartSector, partitionSectors, MasterBootRecord.Fat32LbaType, diskSignature);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        stream.SetLength((PartitionStartSector + partitionSectors) * MasterBootRecord.SectorSize);
        stream.Write(mbr);
        stream.Write(core);
    }

    private static long DirectoryBytes(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    /// <summary>FAT volume serial and MBR disk signature: derived from the inputs, so rebuilding gives the same ids.</summary>
    private static byte[] ImageId(MediaInputs inputs)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(inputs.ConfigBytes);
        hash.AppendData(File.ReadAllBytes(inputs.KernelPath));
        foreach (GuestFile guest in inputs.GuestFiles)
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{guest.ModuleName}:{guest.Size}\n"));
        return hash.GetHashAndReset();
    }
}

/// <summary>mtools on a FAT file system that starts at a byte offset inside a disk image.</summary>
public static class FatImage
{
    // mtools would otherwise read ~/.mtoolsrc and check geometry against a drive table.
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["MTOOLS_SKIP_CHECK"] = "1",
        ["MTOOLSRC"] = "/dev/null",
    };

    public static void Format(string image, long offset, long sectors, string serial, string label)
    {
        HostTool.Run("mformat",
        [
            "-i", $"{image}@@{offset}", "-F", "-c", SectorsPerCluster(sectors).ToString(), "-T", sectors.ToString(),
            "-h", "255", "-s", "63", "-H", (offset / MasterBootRecord.SectorSize).ToString(), "-N", serial, "-v", label, "::",
        ], Environment);
    }

    /// <summary>Copies every file and directory below directory into the file system's root.</summary>
    public static void CopyTree(string image, long offset, string directory)
    {
        var arguments = new List<string> { "-i", $"{image}@@{offset}", "-s", "-Q", "-o" };
        arguments.AddRange(Directory.EnumerateFileSystemEntries(directory).OrderBy(p => p, StringComparer.Ordinal));
        arguments.Add("::/");
        HostTool.Run("mcopy", arguments, Environment);
    }

    /// <summary>
    /// Firmware decides FAT12/16/32 by cluster count, not by the label mformat writes: FAT32 needs at
    /// least 65525 clusters, so clusters stay small enough to keep well above that.
    /// </summary>
    public static int SectorsPerCluster(long sectors)
    {
        int perCluster = 1;
        while (perCluster < 64 && sectors / (perCluster * 2) >= 65536 + 4096)
            perCluster *= 2;
        return perCluster;
    }
}
