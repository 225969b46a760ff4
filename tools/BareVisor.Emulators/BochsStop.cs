// Host side. The stops of Bochs's debugger in its console output, for runs that time a stretch of
// emulated code between two marks (the Linux boot benchmark): Bochs 2.7 prints, at each stop,
//
//   (0) Magic breakpoint                                     the reason, if any (none at power-on
//   Next at t=322310076                                      and after SIGINT); the tick count
//   (0) [0x000000101091] 0008:0000000000101091 (unk. ctxt): ret    ; c3
//
// the last line naming the CPU, the physical address, CS:offset and the next instruction.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace BareVisor.Emulators;

/// <summary>Why Bochs's debugger stopped.</summary>
public enum BochsStopReason
{
    /// <summary>No reason printed: power-on, or an interrupt (SIGINT).</summary>
    Other,

    /// <summary>`xchg bx, bx` with <c>magic_break: enabled=1</c>.</summary>
    MagicBreakpoint,

    /// <summary>A debugger breakpoint ("Breakpoint N, ...").</summary>
    Breakpoint,
}

/// <summary>One stop: the tick count, why, and where (the instruction that runs next).</summary>
public sealed record BochsStop(long Ticks, BochsStopReason Reason, int Cpu, ulong PhysicalAddress, ushort CodeSelector, ulong Offset, string Instruction)
{
    private static readonly Regex Next = new(@"^Next at t=(\d+)$", RegexOptions.Compiled);
    private static readonly Regex Place = new(
        @"^\((\d+)\) \[0x([0-9a-f]+)\] ([0-9a-f]{4}):([0-9a-f]+) \([^)]*\): (.*?)\s*;", RegexOptions.Compiled);
    private static readonly Regex MagicLine = new(@"^\(\d+\) Magic breakpoint$", RegexOptions.Compiled);
    private static readonly Regex BreakpointLine = new(@"^\(\d+\) Breakpoint \d+,", RegexOptions.Compiled);

    /// <summary>Stopped in user mode: the requested privilege level of CS is 3.</summary>
    public bool InUserMode => (CodeSelector & 3) == 3;

    /// <summary>Every stop in <paramref name="consoleText"/>, in order; empty when there is none.</summary>
    public static IReadOnlyList<BochsStop> Parse(string consoleText)
    {
        var stops = new List<BochsStop>();
        string[] lines = (consoleText ?? "").Replace("\r", "", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            Match next = Next.Match(lines[i]);
            if (!next.Success)
                continue;
            string before = i > 0 ? lines[i - 1] : "";
            BochsStopReason reason = MagicLine.IsMatch(before) ? BochsStopReason.MagicBreakpoint
                : BreakpointLine.IsMatch(before) ? BochsStopReason.Breakpoint
                : BochsStopReason.Other;
            Match place = i + 1 < lines.Length ? Place.Match(lines[i + 1]) : Match.Empty;
            stops.Add(new BochsStop(
                long.Parse(next.Groups[1].Value, CultureInfo.InvariantCulture),
                reason,
                place.Success ? int.Parse(place.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
                place.Success ? ulong.Parse(place.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : 0,
                place.Success ? ushort.Parse(place.Groups[3].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : (ushort)0,
                place.Success ? ulong.Parse(place.Groups[4].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : 0,
                place.Success ? place.Groups[5].Value : ""));
        }
        return stops;
    }

    /// <summary>
    /// The span a boot benchmark times: its end is the first magic breakpoint in user mode (a
    /// program the booted system runs), its start the last stop before that which is a breakpoint
    /// or a magic breakpoint in kernel mode (the kernel's entry, or a hypervisor's mark just before
    /// it enters the guest). False when either is missing.
    /// </summary>
    public static bool TryFindUserSpaceSpan(IReadOnlyList<BochsStop> stops, out BochsStop start, out BochsStop end)
    {
        start = null;
        end = null;
        foreach (BochsStop stop in stops)
        {
            if (stop.Reason == BochsStopReason.MagicBreakpoint && stop.InUserMode)
            {
                end = stop;
                return start != null;
            }
            if (stop.Reason == BochsStopReason.Breakpoint || stop.Reason == BochsStopReason.MagicBreakpoint)
                start = stop;
        }
        return false;
    }
}
