// Host side. The default guest's initramfs, written as a cpio archive in C# (no cpio program and no
// root needed: device nodes are just archive entries). The layout:
//
//   /init                 script: installs busybox's applets as links, then runs busybox's init
//   /bin/busybox          Debian's busybox-static
//   /bin/sh -> busybox    so that /init's #! line works before the applets are installed
//   /bin/bochs-mark       Bochs's magic breakpoint, run last by rcS (BochsMarkProgram.cs)
//   /sbin /usr/bin /usr/sbin               where busybox --install puts the other applet links
//   /etc/inittab          busybox init: rcS once, then a login shell on ttyS0, respawned
//   /etc/init.d/rcS       mounts /proc, /sys, /dev (devtmpfs), /dev/pts; prints the banner;
//                         runs /bin/bochs-mark, the boot benchmark's end mark
//   /etc/profile          PATH, HOME and the prompt "guest# "
//   /etc/passwd /etc/group     root only
//   /dev/console /dev/null /dev/ttyS0      nodes for the moments before devtmpfs is mounted
//   /proc /sys /tmp /root /mnt /run        empty directories
//
// `poweroff` in the shell works: busybox init runs the shutdown entries and calls reboot(2).
using System;
using System.IO;
using System.IO.Compression;

namespace BareVisor.LinuxGuest;

public static class Initramfs
{
    /// <summary>The line rcS prints when the guest's user space is up, just before the shell starts.</summary>
    public const string Banner = "BareVisor Linux guest ready";

    /// <summary>The shell's prompt (PS1), with its trailing space.</summary>
    public const string Prompt = "guest# ";

    public const string InitScript = """
        #!/bin/sh
        # /init of BareVisor's default Linux guest (written by tools/BareVisor.LinuxGuest).
        # Installs busybox's applets as symbolic links, then hands over to busybox's init (/etc/inittab).
        /bin/busybox --install -s
        exec /sbin/init

        """;

    public const string Inittab = """
        # busybox init of BareVisor's default Linux guest: rcS once, then a login shell on the
        # serial console, started again when it exits; poweroff and reboot run the shutdown entry.
        ::sysinit:/etc/init.d/rcS
        ttyS0::respawn:-/bin/sh
        ::ctrlaltdel:/sbin/reboot
        ::shutdown:/bin/sync

        """;

    public const string Rcs = $"""
        #!/bin/sh
        # sysinit of BareVisor's default Linux guest: the kernel's file systems, then the banner.
        # The last command marks "the shell starts now" for the Bochs boot benchmark (a no-op elsewhere).
        mount -t proc proc /proc
        mount -t sysfs sysfs /sys
        mount -t devtmpfs devtmpfs /dev
        mkdir -p /dev/pts /dev/shm
        mount -t devpts devpts /dev/pts
        hostname barevisor-guest
        echo "{Banner}"
        echo "guest: $(uname -sr), $(nproc) CPU, MemTotal $(sed -n 's/^MemTotal: *//p' /proc/meminfo), up $(cut -d' ' -f1 /proc/uptime) s"
        {BochsMarkProgram.Path}

        """;

    public const string Profile = $"""
        # Login shells of BareVisor's default Linux guest.
        export PATH=/sbin:/usr/sbin:/bin:/usr/bin
        export HOME=/root
        export PS1='{Prompt}'
        cd "$HOME"

        """;

    public const string Passwd = "root:x:0:0:root:/root:/bin/sh\n";

    public const string Group = "root:x:0:\n";

    /// <summary>
    /// The archive for <paramref name="busybox"/> (the bytes of Debian's static busybox), gzip
    /// compressed or not (the kernel takes both); entries dated <paramref name="modificationTime"/>
    /// (seconds since 1970), so that the same inputs give the same bytes.
    /// </summary>
    public static byte[] Build(byte[] busybox, bool gzip, uint modificationTime = 0)
    {
        ArgumentNullException.ThrowIfNull(busybox);
        var archive = new MemoryStream();
        var cpio = new CpioWriter(archive) { ModificationTime = modificationTime };
        foreach (string directory in new[] { "bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc", "etc/init.d", "dev", "proc", "sys", "mnt", "run" })
            cpio.Directory(directory);
        cpio.Directory("tmp", 0x3FF /* 1777 */);
        cpio.Directory("root", 0x1C0 /* 0700 */);
        cpio.File("bin/busybox", busybox, 0x1ED /* 0755 */);
        cpio.SymbolicLink("bin/sh", "busybox");
        cpio.File(BochsMarkProgram.Path, BochsMarkProgram.Build(), 0x1ED);
        cpio.File("init", Unix(InitScript), 0x1ED);
        cpio.File("etc/inittab", Unix(Inittab));
        cpio.File("etc/init.d/rcS", Unix(Rcs), 0x1ED);
        cpio.File("etc/profile", Unix(Profile));
        cpio.File("etc/passwd", Passwd);
        cpio.File("etc/group", Group);
        cpio.CharacterDevice("dev/console", 5, 1, 0x180 /* 0600 */);
        cpio.CharacterDevice("dev/null", 1, 3, 0x1B6 /* 0666 */);
        cpio.CharacterDevice("dev/ttyS0", 4, 64, 0x180);
        cpio.Finish();
        if (!gzip)
            return archive.ToArray();
        var compressed = new MemoryStream();
        using (var zip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            zip.Write(archive.GetBuffer(), 0, (int)archive.Length);
        return compressed.ToArray();
    }

    // Raw string literals take the source file's line endings; the guest's shell wants LF.
    private static string Unix(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
