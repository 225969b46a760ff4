// Host side. One assembled test guest: the flat binary BareVisor loads, the GRUB module command
// line that describes it (and for a Multiboot kernel its section of the configuration file), what
// it will report, and a disassembly for readers of a failed run.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Iced.Intel;

namespace BareVisor.Guests;

public sealed class GuestImage
{
    /// <summary>Guest RAM when the module command line has no memory= (BareVisor's default).</summary>
    public const ulong DefaultMemoryBytes = 16UL << 20;

    internal GuestImage(string name, GuestMode mode, string description, int? memoryMiB, int? timeLimitSeconds, MultibootFormat multiboot,
                        byte[] bytes, int codeLength, IReadOnlyList<GuestCheck> checks, IReadOnlyDictionary<string, ulong> labels,
                        string expectedStop)
    {
        Name = name;
        Mode = mode;
        Description = description;
        MemoryMiB = memoryMiB;
        TimeLimitSeconds = timeLimitSeconds;
        Multiboot = multiboot;
        Bytes = bytes;
        CodeLength = codeLength;
        Checks = checks;
        Labels = labels;
        ExpectedStop = expectedStop;
    }

    /// <summary>The VM name: "guest &lt;name&gt;: ..." and "vm &lt;name&gt;: ..." on the serial console.</summary>
    public string Name { get; }

    public GuestMode Mode { get; }

    public string Description { get; }

    /// <summary>The memory= value in MiB, or null for BareVisor's default.</summary>
    public int? MemoryMiB { get; }

    public int? TimeLimitSeconds { get; }

    public ulong MemoryBytes => MemoryMiB.HasValue ? (ulong)MemoryMiB.Value << 20 : DefaultMemoryBytes;

    /// <summary>
    /// A Multiboot1 or Multiboot2 kernel that runs as a VM of BareVisor's configuration file (see
    /// <see cref="GuestProgram.MultibootKernel"/>); false for a guest module.
    /// </summary>
    public bool IsMultibootKernel => Multiboot != MultibootFormat.None;

    /// <summary>The Multiboot header the image starts with; None for a guest module.</summary>
    public MultibootFormat Multiboot { get; }

    /// <summary>Bytes of that header, which the code follows.</summary>
    public int HeaderBytes => Multiboot switch
    {
        MultibootFormat.Multiboot1 => GuestProgram.MultibootHeaderBytes,
        MultibootFormat.Multiboot2 => GuestProgram.Multiboot2HeaderBytes,
        _ => 0,
    };

    /// <summary>
    /// The flat binary: a Multiboot kernel's header, then code, then strings and data from
    /// <see cref="CodeLength"/> on.
    /// </summary>
    public byte[] Bytes { get; }

    /// <summary>Bytes from the load address to the first string (a Multiboot kernel's header included).</summary>
    public int CodeLength { get; }

    public ulong LoadAddress => Mode.LoadAddress();

    /// <summary>The first instruction: the load address, or just after a Multiboot kernel's header.</summary>
    public ulong EntryAddress => LoadAddress + (ulong)HeaderBytes;

    public IReadOnlyList<GuestCheck> Checks { get; }

    /// <summary>Named labels (routines, data, resume points) and their guest-physical addresses.</summary>
    public IReadOnlyDictionary<string, ulong> Labels { get; }

    /// <summary>The text after "vm &lt;name&gt;: stopped: " this guest should end with; null = any.</summary>
    public string ExpectedStop { get; }

    /// <summary>The file name in the ISO's /boot.</summary>
    public string FileName => Name + ".bin";

    /// <summary>
    /// What follows the file on GRUB's module2 line: a guest module's arguments, or for a Multiboot
    /// kernel the module name its configuration section gives as kernel= (docs/boot-media.md).
    /// </summary>
    public string ModuleArguments => IsMultibootKernel
        ? FileName
        : $"guest name={Name} mode={Mode.CommandLineName()}" + (MemoryMiB.HasValue ? $" memory={MemoryMiB}M" : "")
          + (TimeLimitSeconds.HasValue ? $" timelimit={TimeLimitSeconds}" : "");

    /// <summary>A Multiboot kernel's [vm] section of the configuration file; null for a guest module.</summary>
    public string ConfigSection => IsMultibootKernel
        ? $"[vm {Name}]\nkernel = {FileName}\nmemory = {MemoryMiB}M\n"
        : null;

    /// <summary>The code part, decoded instruction by instruction from its entry address.</summary>
    public IReadOnlyList<Instruction> DecodeCode()
    {
        int entry = (int)(EntryAddress - LoadAddress);
        var decoder = Iced.Intel.Decoder.Create(Mode.Bitness(), new ByteArrayCodeReader(Bytes, entry, CodeLength - entry), EntryAddress);
        var instructions = new List<Instruction>();
        ulong end = LoadAddress + (ulong)CodeLength;
        while (decoder.IP < end)
            instructions.Add(decoder.Decode());
        return instructions;
    }

    /// <summary>Address, bytes and NASM syntax of every instruction, with labels; then the data.</summary>
    public string Listing()
    {
        var byAddress = Labels.GroupBy(kv => kv.Value).ToDictionary(g => g.Key, g => g.Select(kv => kv.Key).OrderBy(n => n).ToList());
        var formatter = new NasmFormatter();
        formatter.Options.FirstOperandCharIndex = 8;
        var output = new StringOutput();
        var text = new StringBuilder();
        text.Append($"; {Name}: {Mode.CommandLineName()} mode, loaded at 0x{LoadAddress:x}, {Bytes.Length} bytes ");
        text.Append($"({CodeLength} code); module line: {ModuleArguments}\n");
        if (IsMultibootKernel)
            text.Append($"{LoadAddress:x8}  {(Multiboot == MultibootFormat.Multiboot2 ? "multiboot2" : "multiboot")} header: {Describe(Bytes.AsSpan(0, HeaderBytes))}\n");
        foreach (Instruction instruction in DecodeCode())
        {
            AppendLabels(text, byAddress, instruction.IP);
            formatter.Format(instruction, output);
            int offset = (int)(instruction.IP - LoadAddress);
            string hex = Convert.ToHexString(Bytes, offset, instruction.Length).ToLowerInvariant();
            text.Append($"{instruction.IP:x8}  {hex,-24} {output.ToStringAndReset()}\n");
        }
        var dataLabels = Labels.Where(kv => kv.Value >= LoadAddress + (ulong)CodeLength).OrderBy(kv => kv.Value).ToList();
        for (int i = 0; i < dataLabels.Count; i++)
        {
            ulong start = dataLabels[i].Value;
            ulong end = i + 1 < dataLabels.Count ? dataLabels[i + 1].Value : LoadAddress + (ulong)Bytes.Length;
            if (end == start)
                continue;
            AppendLabels(text, byAddress, start);
            text.Append($"{start:x8}  {Describe(Bytes.AsSpan((int)(start - LoadAddress), (int)(end - start)))}\n");
        }
        return text.ToString();
    }

    public override string ToString() => $"{Name} ({Mode.CommandLineName()}, {Bytes.Length} bytes)";

    private static void AppendLabels(StringBuilder text, Dictionary<ulong, List<string>> byAddress, ulong address)
    {
        if (byAddress.TryGetValue(address, out List<string> names))
            foreach (string name in names)
                text.Append(name).Append(":\n");
    }

    // Zero-terminated printable text as a string, anything else as hex bytes.
    private static string Describe(ReadOnlySpan<byte> bytes)
    {
        bool text = bytes.Length > 1 && bytes[^1] == 0;
        for (int i = 0; text && i < bytes.Length - 1; i++)
            text = bytes[i] == '\n' || (bytes[i] >= ' ' && bytes[i] <= '~');
        if (text)
            return "db \"" + Encoding.ASCII.GetString(bytes[..^1]).Replace("\n", "\\n") + "\", 0";
        return "db " + string.Join(", ", bytes.ToArray().Select(b => $"0x{b:x2}"));
    }
}
