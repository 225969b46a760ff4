// Host side. The message Bochs ends with. With "panic: action=fatal" the first panic ends the
// simulation, and Bochs's own ways of powering off are panics too; bochs.log has, for example,
//
//   00111527057p[UNMAP ] >>PANIC<< Shutdown port: shutdown requested
//
// (ticks, "p" for panic, the device, the message), then the CPU state and "quit_sim called".
using System.Text.RegularExpressions;

namespace BareVisor.Emulators;

/// <summary>The device that raised Bochs's fatal panic and its message.</summary>
public sealed record BochsPanic(string Device, string Message)
{
    /// <summary>The string "Shutdown" written to port 0x8900.</summary>
    public static readonly BochsPanic ShutdownPort = new("UNMAP", "Shutdown port: shutdown requested");

    /// <summary>SLP_EN written with the S5 sleep type to the ACPI PM1 control register.</summary>
    public static readonly BochsPanic AcpiSoftOff = new("ACPI", "ACPI control: soft power off");

    private static readonly Regex PanicLine = new(@"^\d+p\[(\w+)\s*\] >>PANIC<< (.*?)\s*$", RegexOptions.Compiled | RegexOptions.Multiline);

    /// <summary>The first panic in <paramref name="bochsLog"/> (the one that ended the run), or null.</summary>
    public static BochsPanic Parse(string bochsLog)
    {
        Match match = PanicLine.Match(bochsLog ?? "");
        return match.Success ? new BochsPanic(match.Groups[1].Value, match.Groups[2].Value) : null;
    }

    public override string ToString() => $"[{Device}] {Message}";
}
