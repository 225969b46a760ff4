// Host side. Builds the QEMU command line (TCG or KVM) for one run, whatever it boots: an ISO, a
// kernel ELF, a USB stick or the network. Every file QEMU touches is named relative to the run
// directory, its working directory: QEMU's option syntax splits on commas, so an absolute path with
// a comma would silently change the meaning of an option.
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace BareVisor.Emulators;

internal static class QemuLaunch
{
    /// <param name="serialAddress">The harness's serial line, "127.0.0.1:port"; null when COM1 is the terminal.</param>
    public static LaunchPlan Prepare(EmulatorRun run, string runDirectory, string serialAddress)
    {
        HostFiles.Require(HostFiles.Qemu, "qemu-system-x86");
        var temporary = new List<string>();
        var args = new List<string>();

        // TCG's "max" model has the x86-64-v2 instructions the NativeAOT code is compiled for
        // (the default qemu64 lacks SSE4.2 and POPCNT); KVM passes the host CPU, VT-x included.
        if (run.Emulator == EmulatorKind.Kvm)
            args.AddRange(["-accel", "kvm", "-cpu", "host"]);
        else
            args.AddRange(["-accel", "tcg", "-cpu", "max"]);

        args.AddRange(["-m", run.MemoryMiB.ToString(), "-smp", run.Cpus.ToString()]);
        args.AddRange(["-display", "none", "-no-reboot"]);
        // The kernel's power-off writes here, which ends QEMU with status (value << 1) | 1.
        args.AddRange(["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]);
        // A triple fault ends QEMU (-no-reboot); cpu_reset then logs the registers that caused it.
        // (guest_errors is left out: OVMF's TPM probing alone writes megabytes of it.)
        args.AddRange(["-d", "cpu_reset", "-D", "qemu.log"]);
        // A TCP client of the harness's serial line, connected before the machine starts.
        args.AddRange(["-serial", run.Serial == SerialConsole.Terminal ? "mon:stdio" : $"tcp:{serialAddress}"]);

        if (run.Firmware == Firmware.Uefi)
        {
            HostFiles.Require(HostFiles.OvmfCode, "ovmf");
            HostFiles.Require(HostFiles.OvmfVarsTemplate, "ovmf");
            // OVMF writes its variable store; each run gets a fresh copy so runs stay independent.
            File.Copy(HostFiles.OvmfVarsTemplate, Path.Combine(runDirectory, "ovmf-vars.fd"));
            temporary.Add("ovmf-vars.fd");
            args.AddRange(["-drive", $"if=pflash,format=raw,readonly=on,file={HostFiles.OvmfCode}"]);
            args.AddRange(["-drive", "if=pflash,format=raw,file=ovmf-vars.fd"]);
        }

        args.AddRange(BootArguments(run.Boot, runDirectory, temporary));
        args.AddRange(run.ExtraArgs);
        return new LaunchPlan(HostFiles.Qemu, args.ToList(), "serial.log", "qemu.log", temporary)
        {
            InheritsTerminal = run.Serial == SerialConsole.Terminal,
        };
    }

    /// <summary>The options that attach <paramref name="boot"/>: a CD, the Multiboot1 loader, or the first boot device the firmware finds.</summary>
    private static IReadOnlyList<string> BootArguments(BootSource boot, string runDirectory, List<string> temporary)
    {
        switch (boot.Kind)
        {
            case BootKind.Iso:
                Link(runDirectory, "boot.iso", boot.IsoPath, temporary);
                return ["-cdrom", "boot.iso", "-boot", "d"];
            case BootKind.Kernel:
                return ["-kernel", boot.KernelPath, "-append", boot.CommandLine];
            case BootKind.UsbStick:
                Link(runDirectory, "usb.img", boot.UsbImagePath, temporary);
                return
                [
                    "-drive", "if=none,id=stick,format=raw,readonly=on,file=usb.img",
                    "-device", $"{(boot.Controller == UsbController.Xhci ? "qemu-xhci" : "usb-ehci")},id=usb",
                    "-device", "usb-storage,bus=usb.0,drive=stick,bootindex=1",
                ];
            default:
                Link(runDirectory, "tftp", boot.TftpDirectory, temporary);
                // restrict=on: the guest reaches QEMU's own DHCP and TFTP servers and nothing else.
                return
                [
                    "-netdev", $"user,id=net,restrict=on,tftp=tftp,bootfile={boot.BootFile}",
                    "-device", $"{(boot.Card == NetworkCard.VirtioNet ? "virtio-net-pci" : "e1000")},netdev=net,bootindex=1",
                ];
        }
    }

    /// <summary>A link in the run directory to a file or directory that may have a comma in its path.</summary>
    private static void Link(string runDirectory, string name, string target, List<string> temporary)
    {
        File.CreateSymbolicLink(Path.Combine(runDirectory, name), target);
        temporary.Add(name);
    }
}
