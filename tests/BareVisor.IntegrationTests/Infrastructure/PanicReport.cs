// Host side. Checks of the report a CPU exception in the kernel prints (src/BareVisor.Kernel/
// Diagnostics/Panic.cs): the exception line, RIP with its symbol, the register dump and the stack
// trace, each checked for its content, not only for the line being there.
using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace BareVisor.IntegrationTests.Infrastructure;

public static class PanicReport
{
    /// <summary>"panic: on cpu N (APIC id N): ", which names the CPU (absent only very early in the boot).</summary>
    public const string CpuPrefix = @"(?:on cpu (?<cpu>\d+) \(APIC id (?<apic>\d+)\): )?";

    public const string ExceptionLine = @"^panic: " + CpuPrefix + @"CPU exception (\d+) (#\w+) [^,]+, error code (0x[0-9a-f]+)$";

    /// <summary>The general registers, RFLAGS and the segment and control registers, as the dump names them.</summary>
    public static readonly string[] RegisterNames =
        ["RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15",
         "RFL", "CS", "SS", "CR0", "CR3", "CR4"];

    // The kernel's GDT (src/BareVisor.Kernel/Arch/Gdt.cs).
    private const ulong KernelCode = 0x08;
    private const ulong KernelData = 0x10;

    private const ulong Cr0Pe = 1, Cr0Pg = 1UL << 31, Cr4Pae = 1UL << 5, RflagsReserved1 = 1UL << 1;

    public static void NamesException(KernelOutput output, int vector, string mnemonic, ulong errorCode)
    {
        Match line = output.Line(ExceptionLine);
        output.Expect(line.Groups[1].Value == vector.ToString() && line.Groups[2].Value == mnemonic,
                      $"expected exception {vector} {mnemonic}, got {line.Groups[1].Value} {line.Groups[2].Value}");
        ulong code = Convert.ToUInt64(line.Groups[3].Value, 16);
        output.Expect(code == errorCode, $"expected error code 0x{errorCode:x}, the panic says {line.Groups[3].Value}");
    }

    /// <summary>The symbol RIP resolves to (with its "+0x.." offset).</summary>
    public static string RipSymbol(KernelOutput output) => output.Line(@"^panic: RIP 0x[0-9a-f]{16} (\S+)$").Groups[1].Value;

    public static ulong Register(KernelOutput output, string name)
    {
        string value = output.Line($@"^panic: (?:.*  )?{Regex.Escape(name)} +(0x[0-9a-f]+)(?:  |$)").Groups[1].Value;
        return Convert.ToUInt64(value, 16);
    }

    /// <summary>Every register is printed once with a value, and the ones with known values have them.</summary>
    public static void RegistersAreDumped(KernelOutput output)
    {
        string dump = string.Join("\n", output.Result.SerialLines.Where(l => l.StartsWith("panic: ", StringComparison.Ordinal)));
        foreach (string name in RegisterNames)
        {
            int count = Regex.Matches(dump, $@"(?<=: |  ){Regex.Escape(name)} +0x[0-9a-f]+").Count;
            output.Expect(count == 1, $"register {name} appears {count} times in the panic's register dump");
        }
        output.Expect(Register(output, "CS") == KernelCode, $"CS is not the kernel's code selector 0x{KernelCode:x}");
        output.Expect(Register(output, "SS") == KernelData, $"SS is not the kernel's data selector 0x{KernelData:x}");
        ulong cr0 = Register(output, "CR0");
        output.Expect((cr0 & (Cr0Pe | Cr0Pg)) == (Cr0Pe | Cr0Pg), $"CR0 0x{cr0:x} does not have PE and PG set, as the kernel runs");
        output.Expect((Register(output, "CR4") & Cr4Pae) != 0, "CR4 does not have PAE set, as long mode requires");
        ulong cr3 = Register(output, "CR3");
        output.Expect(cr3 != 0 && cr3 % 4096 == 0, $"CR3 0x{cr3:x} is not the address of a page table");
        output.Expect((Register(output, "RFL") & RflagsReserved1) != 0, "RFLAGS bit 1 (always 1) is clear: not RFLAGS");
        ulong rsp = Register(output, "RSP");
        output.Expect(rsp != 0 && rsp % 8 == 0, $"RSP 0x{rsp:x} is not a stack pointer");
    }

    /// <summary>The stack trace follows its header and one of its frames resolves to <paramref name="symbol"/>.</summary>
    public static void StackTraceHasFrame(KernelOutput output, string symbol)
    {
        var lines = output.Result.SerialLines;
        int header = output.IndexOf(@"^panic: stack trace \(return addresses found on the stack\):$");
        output.Expect(header >= 0, "no stack-trace header in the panic");
        var frames = lines.Skip(header + 1).TakeWhile(l => l.StartsWith("panic:   ", StringComparison.Ordinal))
                          .Select(l => Regex.Match(l, @"^panic:   0x[0-9a-f]{16} (\S+)\+0x[0-9a-f]+$"))
                          .ToList();
        output.Expect(frames.Count > 0 && frames.All(f => f.Success), "the stack trace has no frames with a resolved symbol and offset");
        output.Expect(frames.Any(f => f.Groups[1].Value.Contains(symbol, StringComparison.Ordinal)),
                      $"no stack-trace frame resolves to {symbol}: {string.Join(", ", frames.Select(f => f.Groups[1].Value))}");
    }
}
