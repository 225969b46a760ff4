// Host side. The initramfs archive as the kernel reads it (newc cpio: 110-byte ASCII headers,
// names and data padded to 4 bytes, TRAILER!!!), the files the guest boots with, and the
// configuration the image tool and BareVisor read. Fast: a stand-in busybox, no emulator.
using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using BareVisor.Core.Config;
using BareVisor.LinuxGuest;
using Xunit;

namespace BareVisor.LinuxGuestTests;

public sealed class InitramfsTests
{
    private static readonly byte[] StandIn = Encoding.ASCII.GetBytes("\x7f" + "ELF stand-in for busybox, 43 bytes long.");

    private sealed record Entry(string Name, uint Mode, uint Links, uint DeviceMajor, uint DeviceMinor, byte[] Data, uint Time);

    /// <summary>A reader that follows buffer-format.rst, independent of CpioWriter.</summary>
    private static List<Entry> Read(byte[] archive)
    {
        var entries = new List<Entry>();
        int offset = 0;
        while (true)
        {
            Assert.True(offset % 4 == 0, $"header at {offset} is not 4-byte aligned");
            string header = Encoding.ASCII.GetString(archive, offset, 110);
            Assert.Equal("070701", header[..6]);
            uint Field(int index) => Convert.ToUInt32(header.Substring(6 + 8 * index, 8), 16);
            int nameSize = (int)Field(11);
            string name = Encoding.ASCII.GetString(archive, offset + 110, nameSize - 1);
            Assert.Equal(0, archive[offset + 110 + nameSize - 1]);
            int data = Align(offset + 110 + nameSize);
            int size = (int)Field(6);
            if (name == "TRAILER!!!")
            {
                Assert.Equal(archive.Length, Align(data + size));
                return entries;
            }
            entries.Add(new Entry(name, Field(1), Field(4), Field(9), Field(10), archive[data..(data + size)], Field(5)));
            offset = Align(data + size);
        }
    }

    private static int Align(int value) => (value + 3) & ~3;

    [Fact]
    public void TheArchiveIsNewcWithEveryEntryTheGuestNeeds()
    {
        List<Entry> entries = Read(Initramfs.Build(StandIn, gzip: false, modificationTime: 1234));
        var byName = entries.ToDictionary(e => e.Name);
        Assert.Equal(StandIn, byName["bin/busybox"].Data);
        Assert.Equal(0x81EDu, byName["bin/busybox"].Mode);                  // regular file, 0755
        Assert.Equal(0xA1FFu, byName["bin/sh"].Mode);                       // symbolic link
        Assert.Equal("busybox", Encoding.ASCII.GetString(byName["bin/sh"].Data));
        Assert.Equal(BochsMarkProgram.Build(), byName["bin/bochs-mark"].Data);
        Assert.Equal(0x81EDu, byName["bin/bochs-mark"].Mode);
        Assert.Equal(0x81EDu, byName["init"].Mode);
        Assert.Equal(0x81EDu, byName["etc/init.d/rcS"].Mode);
        Assert.Equal((0x2180u, 5u, 1u), (byName["dev/console"].Mode, byName["dev/console"].DeviceMajor, byName["dev/console"].DeviceMinor));
        Assert.Equal((4u, 64u), (byName["dev/ttyS0"].DeviceMajor, byName["dev/ttyS0"].DeviceMinor));
        Assert.Equal(0x43FFu, byName["tmp"].Mode);                          // directory, 1777
        foreach (string directory in new[] { "bin", "sbin", "usr/bin", "usr/sbin", "proc", "sys", "dev", "root", "etc/init.d" })
            Assert.Equal(0x4000u, byName[directory].Mode & 0xF000);
        Assert.All(entries, e => Assert.Equal(1234u, e.Time));
        // Parents come before their children, as the kernel creates them in archive order.
        for (int i = 0; i < entries.Count; i++)
        {
            string parent = Path.GetDirectoryName(entries[i].Name)?.Replace('\\', '/');
            if (!string.IsNullOrEmpty(parent))
                Assert.Contains(entries.Take(i), e => e.Name == parent);
        }
    }

    [Fact]
    public void TheScriptsStartTheShellOnTheSerialConsole()
    {
        var byName = Read(Initramfs.Build(StandIn, gzip: false)).ToDictionary(e => e.Name, e => Encoding.ASCII.GetString(e.Data));
        Assert.StartsWith("#!/bin/sh\n", byName["init"]);
        Assert.Contains("/bin/busybox --install -s\n", byName["init"]);
        Assert.EndsWith("exec /sbin/init\n", byName["init"]);
        Assert.Contains("::sysinit:/etc/init.d/rcS\n", byName["etc/inittab"]);
        Assert.Contains("ttyS0::respawn:-/bin/sh\n", byName["etc/inittab"]);
        Assert.Contains("mount -t devtmpfs devtmpfs /dev\n", byName["etc/init.d/rcS"]);
        Assert.Contains($"echo \"{Initramfs.Banner}\"\n", byName["etc/init.d/rcS"]);
        // The benchmark's end mark is rcS's last command, after the banner: then the shell starts.
        Assert.EndsWith($"\n{BochsMarkProgram.Path}\n", byName["etc/init.d/rcS"]);
        Assert.Equal("/bin/bochs-mark", BochsMarkProgram.Path);
        Assert.Contains($"export PS1='{Initramfs.Prompt}'\n", byName["etc/profile"]);
        Assert.DoesNotContain(byName.Values, text => text.Contains('\r'));
    }

    [Fact]
    public void TheGzipFormHoldsTheSameArchive()
    {
        byte[] plain = Initramfs.Build(StandIn, gzip: false, modificationTime: 7);
        byte[] packed = Initramfs.Build(StandIn, gzip: true, modificationTime: 7);
        Assert.Equal(new byte[] { 0x1F, 0x8B }, packed[..2]);
        using var unzip = new GZipStream(new MemoryStream(packed), CompressionMode.Decompress);
        var inflated = new MemoryStream();
        unzip.CopyTo(inflated);
        Assert.Equal(plain, inflated.ToArray());
    }

    [Fact]
    public void TheWriterRefusesBadNamesAndDuplicates()
    {
        var cpio = new CpioWriter(new MemoryStream());
        cpio.Directory("bin");
        Assert.Throws<ArgumentException>(() => cpio.Directory("bin"));
        Assert.Throws<ArgumentException>(() => cpio.File("../etc/passwd", "x"));
        Assert.Throws<ArgumentException>(() => cpio.File("TRAILER!!!", "x"));
        Assert.Throws<ArgumentException>(() => cpio.File("", "x"));
        cpio.Finish();
        Assert.Throws<InvalidOperationException>(() => cpio.File("late", "x"));
    }

    [Fact]
    public void TheConfigurationHasOneValidVmWithKernelAndInitrd()
    {
        GuestConfigResult config = GuestConfigParser.Parse(DefaultGuest.Config(DefaultGuest.CommandLine, DefaultGuest.MemoryMiB));
        Assert.False(config.HasErrors, string.Join("; ", config.Errors.Select(e => e.Describe())));
        VmConfig vm = Assert.Single(config.Vms);
        Assert.Equal(DefaultGuest.VmName, vm.Name);
        Assert.Equal(DefaultGuest.KernelModule, vm.Kernel);
        Assert.Equal(DefaultGuest.InitrdModule, vm.Initrd);
        Assert.Equal(DefaultGuest.CommandLine, vm.CommandLine);
        Assert.Equal((ulong)DefaultGuest.MemoryMiB << 20, vm.MemoryBytes);
    }
}
