// Host side. Writes the per-run bochsrc (values with commas break Bochs's environment-variable
// expansion, so nothing is passed through the environment) and the debugger script that
// starts the simulation. Files are named relative to the run directory, Bochs's working
// directory, because bochsrc values are comma-separated. COM1 connects to the harness's serial
// line (SerialLink) as a TCP client.
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace BareVisor.Emulators;

internal static class BochsLaunch
{
    public static LaunchPlan Prepare(EmulatorRun run, string runDirectory, string serialAddress)
    {
        string bochs = HostFiles.Require(HostFiles.Bochs, "bochs");
        HostFiles.Require(HostFiles.VgaBios, "vgabios");
        HostFiles.Require(run.Firmware == Firmware.Uefi ? HostFiles.BochsOvmf : HostFiles.BochsBios,
                          run.Firmware == Firmware.Uefi ? "ovmf" : "bochsbios");

        File.CreateSymbolicLink(Path.Combine(runDirectory, "boot.iso"), run.Boot.IsoPath);
        File.WriteAllText(Path.Combine(runDirectory, "bochsrc"), Config(run, serialAddress));
        File.WriteAllText(Path.Combine(runDirectory, "debugger.rc"), DebuggerScript(run));

        var args = new List<string> { "-q", "-f", "bochsrc", "-rc", "debugger.rc" };
        args.AddRange(run.ExtraArgs);
        return new LaunchPlan(bochs, args, "serial.log", "bochs.log", ["boot.iso"]);
    }

    /// <summary>The bochsrc text for <paramref name="run"/>, COM1 connecting to <paramref name="serialAddress"/> ("127.0.0.1:port").</summary>
    public static string Config(EmulatorRun run, string serialAddress)
    {
        bool uefi = run.Firmware == Firmware.Uefi;
        // OVMF reads MSR 0x17, which Bochs does not implement; for the BIOS keep unknown MSRs
        // faulting so they cannot hide a kernel bug by reading as 0.
        int ignoreBadMsrs = uefi ? 1 : 0;
        string[] lines =
        [
            "config_interface: textconfig",
            // Debian's Bochs has no nogui library; rfb without a wait is headless and picks a free port.
            "display_library: rfb, options=\"timeout=0\"",
            $"megs: {run.MemoryMiB}",
            $"romimage: file={(uefi ? HostFiles.BochsOvmf : HostFiles.BochsBios)}",
            $"vgaromimage: file={HostFiles.VgaBios}",
            "ata0-master: type=cdrom, path=boot.iso, status=inserted",
            "boot: cdrom",
            $"cpu: model={run.BochsCpuModel}, count={run.Cpus}, ips=10000000, reset_on_triple_fault=0, ignore_bad_msrs={ignoreBadMsrs}",
            // No synchronisation with the host clock: identical tick counts on every run.
            "clock: sync=none, time0=local",
            // Bochs connects while setting up its devices, before the simulation starts.
            $"com1: enabled=1, mode=socket-client, dev={serialAddress}",
            "port_e9_hack: enabled=1",
            "mouse: enabled=0",
            "speaker: enabled=0",
            "sound: driver=dummy",
            "log: bochs.log",
            "panic: action=fatal",
            // "report" is what makes Bochs name the failed VM-entry check in its log.
            "error: action=report",
            "info: action=report",
            "debug: action=ignore",
        ];
        if (run.MagicBreak)
            lines = [.. lines, "magic_break: enabled=1"];
        return string.Join('\n', lines.Append(""));
    }

    /// <summary>
    /// The debugger commands for <paramref name="run"/>. Debian's Bochs is built with its debugger,
    /// which stops at a prompt at power-on and at every breakpoint: "c" continues. Once the script
    /// is used up the debugger reads its stdin, which is closed: Bochs exits.
    /// </summary>
    public static string DebuggerScript(EmulatorRun run)
    {
        var script = new StringBuilder();
        if (run.BreakOnceAt is ulong address)
            script.Append("pb 0x").Append(address.ToString("x", CultureInfo.InvariantCulture)).Append('\n');
        script.Append("c\n");
        for (int stop = 0; stop < run.ContinueThroughStops; stop++)
        {
            if (stop == 0 && run.BreakOnceAt != null)
                script.Append("d 1\n");
            script.Append("c\n");
        }
        return script.ToString();
    }
}
