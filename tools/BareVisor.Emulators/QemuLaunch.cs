// Host side. Builds the QEMU command line (TCG or KVM) for one run. Every file QEMU touches
// is named relative to the run directory, its working directory: QEMU's option syntax splits on
// commas, so an absolute path with a comma would silently change the meaning of an option.
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace BareVisor.Emulators;

internal static class QemuLaunch
{
    public static LaunchPlan Prepare(EmulatorRun run, string runDirectory)
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
        args.AddRange(["-serial", run.Serial == SerialConsole.Terminal ? "mon:stdio" : "file:serial.log"]);

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

        if (run.Boot.IsIso)
        {
            File.CreateSymbolicLink(Path.Combine(runDirectory, "boot.iso"), run.Boot.IsoPath);
            temporary.Add("boot.iso");
            args.AddRange(["-cdrom", "boot.iso", "-boot", "d"]);
        }
        else
        {
            args.AddRange(["-kernel", run.Boot.KernelPath, "-append", run.Boot.CommandLine]);
        }

        args.AddRange(run.ExtraArgs);
        return new LaunchPlan(HostFiles.Qemu, args.ToList(), "serial.log", "qemu.log", temporary)
        {
            InheritsTerminal = run.Serial == SerialConsole.Terminal,
        };
    }
}
