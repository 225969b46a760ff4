// Host side. A tiny DSL for BareVisor's in-guest tests: a GuestProgram is a list of steps
// (checks, prints, hypercalls) that Build() assembles with Iced into one flat binary for the
// guest's start mode. A check is code that leaves ZF = 1 when it passed; the program then prints
// "PASS <check>" or "FAIL <check>: <detail>" on port 0xE9, which BareVisor turns into
// "guest <vm>: ..." lines on its serial console.
//
// Build() assembles in passes: the first pass places every label, later passes feed label
// addresses back as immediates (AddressOf), until no address moves. That is how 16- and 32-bit
// code gets absolute addresses of its strings, data and exception handlers, which Iced's
// assembler has no relocation for.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace BareVisor.Guests;

public sealed partial class GuestProgram
{
    /// <summary>Power-off status after an exception no check expected.</summary>
    public const ulong UnexpectedExceptionStatus = 0xEE;

    /// <summary>Power-off status when the program ran past its last step (or past an expected stop).</summary>
    public const ulong RanPastEndStatus = 0xEF;

    /// <summary>The port every guest prints on, one byte per OUT.</summary>
    public const byte ConsolePort = 0xE9;

    /// <summary>Bytes of the Multiboot1 header a Multiboot kernel's image starts with (its code follows).</summary>
    public const int MultibootHeaderBytes = 32;

    /// <summary>Bytes of the Multiboot2 header: 16 bytes, an address tag, an entry tag (padded to 8), an end tag.</summary>
    public const int Multiboot2HeaderBytes = 64;

    public const uint MultibootMagic = 0x1BADB002;
    public const uint Multiboot2Magic = 0xE85250D6;
    private const uint MultibootFlagAddresses = 1u << 16;
    private const ushort Multiboot2AddressTag = 2, Multiboot2EntryTag = 3;

    private const int MaxPasses = 8;
    private static readonly Regex NamePattern = new("^[a-z0-9][a-z0-9-]*$", RegexOptions.CultureInvariant);

    private readonly List<Action> steps = new();
    private readonly List<GuestCheck> checks = new();
    private readonly List<(string Label, byte[] Bytes)> blobs = new();
    private IReadOnlyDictionary<string, ulong> known = new Dictionary<string, ulong>();
    private Pass pass;
    private bool handlersInstalled;
    private string expectedStop;
    private bool expectedStopFixed;

    /// <param name="name">The VM name: lower-case letters, digits and '-'.</param>
    /// <param name="mode">The CPU mode the guest starts in.</param>
    /// <param name="description">Printed as the guest's first line ("start: ...").</param>
    /// <param name="memoryMiB">Guest RAM; null leaves it to BareVisor's default (16 MiB) and
    /// omits memory= from the module command line.</param>
    public GuestProgram(string name, GuestMode mode, string description, int? memoryMiB = null, int? timeLimitSeconds = null)
        : this(name, mode, description, memoryMiB, timeLimitSeconds, MultibootFormat.None)
    {
    }

    private GuestProgram(string name, GuestMode mode, string description, int? memoryMiB, int? timeLimitSeconds, MultibootFormat multiboot)
    {
        RequireName(name, "guest name");
        Name = name;
        Mode = mode;
        Description = description ?? "";
        MemoryMiB = memoryMiB;
        TimeLimitSeconds = timeLimitSeconds;
        Multiboot = multiboot;
        Layout = GuestLayout.For(mode);
        RequirePrintable(Description);
    }

    /// <summary>
    /// A protected-mode program built as a Multiboot1 kernel, for a VM of BareVisor's configuration
    /// file rather than a guest module: the image starts with a header whose a.out-kludge
    /// addresses load the whole file at <see cref="GuestModes.ProtectedModeLoadAddress"/> and enter
    /// right after the header. The code itself loads its GDT and stack first, as Multiboot leaves
    /// GDTR and ESP undefined.
    /// </summary>
    /// <param name="memoryMiB">The configuration's memory= (required there).</param>
    public static GuestProgram MultibootKernel(string name, string description, int memoryMiB) =>
        new(name, GuestMode.Protected, description, memoryMiB, timeLimitSeconds: null, MultibootFormat.Multiboot1);

    /// <summary>
    /// As <see cref="MultibootKernel"/>, with a Multiboot2 header instead (magic 0xE85250D6, an
    /// address tag loading the whole file at the load address, an entry address tag).
    /// </summary>
    public static GuestProgram Multiboot2Kernel(string name, string description, int memoryMiB) =>
        new(name, GuestMode.Protected, description, memoryMiB, timeLimitSeconds: null, MultibootFormat.Multiboot2);

    public string Name { get; }

    public GuestMode Mode { get; }

    public string Description { get; }

    public int? MemoryMiB { get; }

    /// <summary>The module's timelimit= (seconds); null for none.</summary>
    public int? TimeLimitSeconds { get; }

    public GuestLayout Layout { get; }

    public int Bitness => Mode.Bitness();

    public ulong LoadAddress => Mode.LoadAddress();

    /// <summary>The Multiboot header the image starts with; None for a guest module.</summary>
    public MultibootFormat Multiboot { get; }

    /// <summary>True for a program made by <see cref="MultibootKernel"/> or <see cref="Multiboot2Kernel"/>.</summary>
    public bool IsMultibootKernel => Multiboot != MultibootFormat.None;

    /// <summary>
    /// The end BareVisor should report ("powered off with status 0", "triple fault", ...): set by
    /// the first PowerOff or ExpectStop step; null means any end is acceptable.
    /// </summary>
    public string ExpectedStop
    {
        get => expectedStop;
        set
        {
            expectedStop = value;
            expectedStopFixed = true;
        }
    }

    /// <summary>The assembler of the pass being built; only valid inside a step's code.</summary>
    public Assembler Asm => pass?.Asm ?? throw new InvalidOperationException("Asm is only available while Build() runs a step");

    // ----- steps -------------------------------------------------------------------------

    /// <summary>Prints <paramref name="text"/> on the console port; changes no register or flag.</summary>
    public GuestProgram Print(string text)
    {
        RequirePrintable(text);
        steps.Add(() => EmitPrint(text));
        return this;
    }

    /// <summary>Raw code at this point of the program.</summary>
    public GuestProgram Emit(Action<Assembler> code)
    {
        ArgumentNullException.ThrowIfNull(code);
        steps.Add(() => code(Asm));
        return this;
    }

    /// <summary>
    /// <paramref name="code"/> must leave ZF = 1 when the check passed; then "PASS name" is
    /// printed, else "FAIL name: detail".
    /// </summary>
    public GuestProgram Check(string name, Action<Assembler> code, string failDetail = "condition not met")
    {
        AddCheck(name, GuestCheckKind.Check, failDetail);
        steps.Add(() =>
        {
            code(Asm);
            EmitVerdict(name, failDetail, null);
        });
        return this;
    }

    /// <summary>
    /// <paramref name="load"/> leaves a value in EAX (RAX in long mode); the check passes when
    /// <c>(value &amp; mask) == expected</c>. A failure prints the expected and the observed value.
    /// </summary>
    public GuestProgram CheckEqual(string name, Action<Assembler> load, ulong expected, ulong mask = ulong.MaxValue)
    {
        RequireFitsAccumulator(expected, mask);
        string expectation = mask == ulong.MaxValue || (Mode != GuestMode.Long && mask == uint.MaxValue)
            ? $"expected 0x{expected:x}"
            : $"expected 0x{expected:x} in bits 0x{mask:x}";
        AddCheck(name, GuestCheckKind.Check, expectation);
        steps.Add(() =>
        {
            load(Asm);
            EmitCompareAccumulator(expected, mask);
            EmitVerdict(name, expectation + ", got ", EmitPrintObserved);
        });
        return this;
    }

    /// <summary>
    /// Arms the exception handlers (see <see cref="InstallExceptionHandlers"/>), runs
    /// <paramref name="faulting"/> and passes when it raised exception <paramref name="vector"/>;
    /// execution resumes after <paramref name="faulting"/> either way.
    /// </summary>
    public GuestProgram CheckFault(string name, int vector, Action<Assembler> faulting)
    {
        if (vector is < 0 or > 31)
            throw new ArgumentOutOfRangeException(nameof(vector), "exception vectors are 0..31");
        string expectation = $"expected {ExceptionNames.Describe(vector)}, got vector ";
        AddCheck(name, GuestCheckKind.Check, $"expected {ExceptionNames.Describe(vector)}");
        steps.Add(() =>
        {
            if (!handlersInstalled)
                throw new InvalidOperationException($"{Name}: CheckFault(\"{name}\") needs InstallExceptionHandlers() first");
            string resume = "resume:" + name;
            Asm.mov(__byte_ptr[Layout.Vector], 0xFF);
            Asm.mov(__dword_ptr[Layout.Resume], (uint)AddressOf(resume));
            faulting(Asm);
            Mark(resume);
            Asm.mov(__dword_ptr[Layout.Resume], 0u);
            Asm.movzx(eax, __byte_ptr[Layout.Vector]);
            EmitCompareAccumulator((ulong)vector, ulong.MaxValue);
            EmitVerdict(name, expectation, () =>
            {
                EmitPrintObserved();
                EmitPrint(" (0xff: none)");
            });
        });
        return this;
    }

    /// <summary>
    /// Protected mode only: runs <paramref name="code"/> in ring 3 (flat user segments 0x1B and
    /// 0x23, its own stack) and passes when it raised exception <paramref name="vector"/>; the
    /// guest then continues in ring 0. Code that raises nothing falls into a HLT, whose #GP
    /// (vector 13) brings the guest back to ring 0, so the check fails with "got vector 0xd".
    /// </summary>
    public GuestProgram CheckFaultInRing3(string name, int vector, Action<Assembler> code)
    {
        if (Mode != GuestMode.Protected)
            throw new InvalidOperationException($"{Name}: CheckFaultInRing3 is only written for protected mode");
        if (vector is < 0 or > 31 || vector == ExceptionNames.GeneralProtection)
            throw new ArgumentOutOfRangeException(nameof(vector), "vectors 0..31 except #GP, which marks 'no exception'");
        string expectation = $"expected {ExceptionNames.Describe(vector)} in ring 3, got vector ";
        AddCheck(name, GuestCheckKind.Check, $"expected {ExceptionNames.Describe(vector)} in ring 3");
        steps.Add(() =>
        {
            if (!handlersInstalled)
                throw new InvalidOperationException($"{Name}: CheckFaultInRing3(\"{name}\") needs InstallExceptionHandlers() first");
            string resume = "resume:" + name;
            string user = "ring-3:" + name;
            Asm.mov(__byte_ptr[Layout.Vector], 0xFF);
            Asm.mov(__dword_ptr[Layout.Resume], (uint)AddressOf(resume));
            Asm.mov(__dword_ptr[Layout.ResumeStack], esp);
            // IRET to ring 3: SS, ESP, EFLAGS (IF = 0, IOPL = 0), CS, EIP.
            Asm.push(UserDataSelector);
            Asm.push((int)Layout.UserStackTop);
            Asm.pushfd();
            Asm.push(UserCodeSelector);
            Asm.push((int)AddressOf(user));
            Asm.iretd();
            Mark(user);
            // The CPU cleared DS and ES on the way down (their DPL was 0).
            Asm.mov(ax, UserDataSelector);
            Asm.mov(ds, ax);
            Asm.mov(es, ax);
            code(Asm);
            Asm.hlt();
            Mark(resume);
            Asm.movzx(eax, __byte_ptr[Layout.Vector]);
            EmitCompareAccumulator((ulong)vector, ulong.MaxValue);
            EmitVerdict(name, expectation, () =>
            {
                EmitPrintObserved();
                EmitPrint(" (0xd: none, back through HLT's #GP)");
            });
        });
        return this;
    }

    /// <summary>
    /// Runs <paramref name="supported"/> (ZF = 1 when the feature is there): if it is, the check
    /// runs as <see cref="Check"/> does, otherwise "SKIP name: whyNot" is printed.
    /// </summary>
    public GuestProgram CheckOrSkip(string name, Action<Assembler> supported, string whyNot,
                                    Action<Assembler> code, string failDetail = "condition not met")
    {
        RequirePrintable(whyNot);
        AddCheck(name, GuestCheckKind.CheckOrSkip, failDetail);
        steps.Add(() =>
        {
            Label skip = Asm.CreateLabel();
            Label done = Asm.CreateLabel();
            supported(Asm);
            Asm.jnz(skip);
            code(Asm);
            EmitVerdict(name, failDetail, null);
            Asm.jmp(done);
            Place(ref skip);
            EmitPrint($"SKIP {name}: {whyNot}\n");
            Place(ref done);
        });
        return this;
    }

    /// <summary>Prints "SKIP name: why".</summary>
    public GuestProgram Skip(string name, string why)
    {
        RequirePrintable(why);
        AddCheck(name, GuestCheckKind.Skip, why);
        steps.Add(() => EmitPrint($"SKIP {name}: {why}\n"));
        return this;
    }

    /// <summary>
    /// Code after which BareVisor must stop the guest with <paramref name="stopReason"/> (the
    /// text after "stopped: "). If the guest goes on, it prints "FAIL name: ..." and powers off.
    /// </summary>
    public GuestProgram ExpectStop(string name, string stopReason, Action<Assembler> code)
    {
        RequirePrintable(stopReason);
        AddCheck(name, GuestCheckKind.ExpectStop, stopReason);
        SetExpectedStop(stopReason);
        steps.Add(() =>
        {
            EmitPrint($"expecting BareVisor to stop this guest: {stopReason}\n");
            code(Asm);
            EmitPrint($"FAIL {name}: the guest went on; expected: {stopReason}\n");
            EmitPowerOff(RanPastEndStatus);
        });
        return this;
    }

    /// <summary>Hypercall 2: BareVisor ends the guest with "powered off with status N".</summary>
    public GuestProgram PowerOff(ulong status)
    {
        SetExpectedStop($"powered off with status {status}");
        steps.Add(() => EmitPowerOff(status));
        return this;
    }

    /// <summary>
    /// Sets up exception handling for vectors 0..31: in real mode an IVT at 0; in protected and
    /// long mode the guest's own GDT (code 0x08, data 0x10) and IDT. CheckFault needs it; any
    /// other exception prints "FAIL unexpected-exception: vector V at IP" and powers off with
    /// <see cref="UnexpectedExceptionStatus"/>.
    /// </summary>
    public GuestProgram InstallExceptionHandlers()
    {
        handlersInstalled = true;
        steps.Add(EmitExceptionSetup);
        return this;
    }

    /// <summary>Bytes placed after the code; <see cref="AddressOf"/>(label) gives their address.</summary>
    public GuestProgram Data(string label, byte[] bytes)
    {
        if (bytes == null || bytes.Length == 0)
            throw new ArgumentException("data needs at least one byte", nameof(bytes));
        if (blobs.Any(b => b.Label == label))
            throw new ArgumentException($"data label '{label}' is defined twice", nameof(label));
        blobs.Add((label, bytes.ToArray()));
        return this;
    }

    // ----- for use inside a step's code ---------------------------------------------------

    /// <summary>
    /// The guest-physical address of a named label (Mark or Data). During the first pass it is a
    /// placeholder; Build() repeats the assembly until every address is final.
    /// </summary>
    public ulong AddressOf(string label)
    {
        if (pass == null)
            throw new InvalidOperationException("AddressOf is only available while Build() runs a step");
        pass.Referenced.Add(label);
        return known.TryGetValue(label, out ulong address) ? address : LoadAddress;
    }

    /// <summary>Places a named label at the current position.</summary>
    public void Mark(string label)
    {
        if (!pass.Placed.Add(label))
            throw new InvalidOperationException($"{Name}: label '{label}' is placed twice");
        Label l = NamedLabel(label);
        Place(ref l);
        pass.Named[label] = l;
    }

    /// <summary>Emits a hypercall: RAX = function, RBX and RCX when given, then VMCALL.</summary>
    public void EmitHypercall(uint function, ulong? rbx = null, ulong? rcx = null)
    {
        LoadImmediate(Register.RAX, function);
        if (rbx.HasValue)
            LoadImmediate(Register.RBX, rbx.Value);
        if (rcx.HasValue)
            LoadImmediate(Register.RCX, rcx.Value);
        Asm.vmcall();
    }

    /// <summary>Emits code that prints <paramref name="text"/>; changes no register or flag.</summary>
    public void EmitPrint(string text)
    {
        RequirePrintable(text);
        if (text.Length == 0)
            return;
        ulong address = AddressOf(StringLabel(text));
        switch (Mode)
        {
            case GuestMode.Real:
                RequireRealModeAddress(address);
                Asm.push(si);
                Asm.mov(si, (ushort)address);
                Asm.call(NamedLabel(Routines.PrintString));
                Asm.pop(si);
                break;
            case GuestMode.Protected:
                Asm.push(esi);
                Asm.mov(esi, (uint)address);
                Asm.call(NamedLabel(Routines.PrintString));
                Asm.pop(esi);
                break;
            default:
                Asm.push(rsi);
                Asm.mov(esi, (uint)address);
                Asm.call(NamedLabel(Routines.PrintString));
                Asm.pop(rsi);
                break;
        }
    }

    /// <summary>Emits code that prints EAX (RAX in long mode) as 0x-prefixed hex.</summary>
    public void EmitPrintHexAccumulator() => Asm.call(NamedLabel(Routines.PrintHex));

    /// <summary>Emits code that prints EAX (RAX in long mode) in decimal.</summary>
    public void EmitPrintDecimalAccumulator() => Asm.call(NamedLabel(Routines.PrintDecimal));

    // ----- build ---------------------------------------------------------------------------

    public GuestImage Build()
    {
        if (expectedStop == null && !expectedStopFixed)
            throw new InvalidOperationException($"{Name}: the program never ends: add PowerOff or ExpectStop");
        IReadOnlyDictionary<string, ulong> previous = null;
        for (int attempt = 0; attempt < MaxPasses; attempt++)
        {
            known = previous ?? new Dictionary<string, ulong>();
            PassResult result = AssemblePass();
            if (previous != null && SameAddresses(previous, result.Addresses))
                return CreateImage(result);
            previous = result.Addresses;
        }
        throw new InvalidOperationException($"{Name}: label addresses still moved after {MaxPasses} passes");
    }

    private sealed record PassResult(byte[] Bytes, Dictionary<string, ulong> Addresses, int CodeLength);

    private PassResult AssemblePass()
    {
        pass = new Pass(Bitness);
        try
        {
            if (Multiboot == MultibootFormat.Multiboot1)
                Asm.db(MultibootHeader(LoadAddress));
            else if (Multiboot == MultibootFormat.Multiboot2)
                Asm.db(Multiboot2Header(LoadAddress));
            EmitPrologue();
            foreach (Action step in steps)
                step();
            EmitPrint("FAIL end-of-program: the guest ran past its last step\n");
            EmitPowerOff(RanPastEndStatus);
            EmitRoutines();
            if (handlersInstalled)
                EmitExceptionHandlers();
            string firstData = EmitData();

            var stream = new MemoryStream();
            AssemblerResult assembled = pass.Asm.Assemble(new StreamCodeWriter(stream), LoadAddress,
                                                          BlockEncoderOptions.ReturnNewInstructionOffsets);
            var addresses = pass.Named.ToDictionary(kv => kv.Key, kv => assembled.GetLabelRIP(kv.Value));
            string missing = pass.Referenced.FirstOrDefault(r => !addresses.ContainsKey(r));
            if (missing != null)
                throw new InvalidOperationException($"{Name}: AddressOf(\"{missing}\") names no label");
            byte[] bytes = stream.ToArray();
            int codeLength = (int)(addresses[firstData] - LoadAddress);
            return new PassResult(bytes, addresses, codeLength);
        }
        finally
        {
            pass = null;
        }
    }

    private GuestImage CreateImage(PassResult result)
    {
        ulong memory = MemoryMiB.HasValue ? (ulong)MemoryMiB.Value << 20 : GuestImage.DefaultMemoryBytes;
        if ((ulong)result.Bytes.Length > Mode.MaxImageBytes(memory))
            throw new InvalidOperationException($"{Name}: {result.Bytes.Length} bytes do not fit a {Mode} guest");
        return new GuestImage(Name, Mode, Description, MemoryMiB, TimeLimitSeconds, Multiboot, result.Bytes, result.CodeLength,
                              checks.ToArray(), result.Addresses, expectedStop);
    }

    private static bool SameAddresses(IReadOnlyDictionary<string, ulong> a, IReadOnlyDictionary<string, ulong> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out ulong v) && v == kv.Value);

    // ----- emission helpers ----------------------------------------------------------------

    private void EmitPrologue()
    {
        switch (Mode)
        {
            case GuestMode.Real:
                // BareVisor starts CS:IP = 0:7C00, SS:SP = 0:7C00; set the data segments too.
                Asm.cli();
                Asm.xor(ax, ax);
                Asm.mov(ds, ax);
                Asm.mov(es, ax);
                Asm.mov(ss, ax);
                Asm.mov(sp, (ushort)GuestModes.RealModeLoadAddress);
                break;
            case GuestMode.Protected when IsMultibootKernel:
                Asm.cli();
                Asm.mov(esp, (uint)Layout.MultibootStackTop);
                // The loader's magic and boot-information address, kept for the checks that follow.
                Asm.mov(__dword_ptr[Layout.BootEax], eax);
                Asm.mov(__dword_ptr[Layout.BootEbx], ebx);
                EmitMultibootSegments();
                break;
            case GuestMode.Protected:
                Asm.cli();
                Asm.mov(esp, (uint)GuestModes.ProtectedModeLoadAddress);
                break;
            default:
                Asm.cli();
                Asm.mov(rsp, GuestModes.ProtectedModeLoadAddress);
                break;
        }
        Asm.cld();
        EmitPrint($"start: {Mode.CommandLineName()} mode{(Description.Length == 0 ? "" : ", " + Description)}\n");
    }

    /// <summary>
    /// Multiboot section 3.2: magic, flags (bit 16: the address fields are valid), checksum, then
    /// header_addr and load_addr (both the load address: the header is the file's first bytes),
    /// load_end_addr 0 (load the whole file), bss_end_addr 0 (no bss) and entry_addr.
    /// </summary>
    private static byte[] MultibootHeader(ulong loadAddress)
    {
        uint load = (uint)loadAddress;
        uint[] fields = [MultibootMagic, MultibootFlagAddresses, unchecked(0u - MultibootMagic - MultibootFlagAddresses),
                         load, load, 0, 0, load + MultibootHeaderBytes];
        var header = new byte[MultibootHeaderBytes];
        for (int i = 0; i < fields.Length; i++)
            BitConverter.GetBytes(fields[i]).CopyTo(header, i * 4);
        return header;
    }

    /// <summary>
    /// Multiboot2 section 3.1: magic, architecture 0 (i386), header_length, checksum; an address tag
    /// (header_addr and load_addr the load address, load_end_addr 0: the whole file, bss_end_addr 0:
    /// no bss); an entry address tag padded to 8 bytes; the end tag.
    /// </summary>
    private static byte[] Multiboot2Header(ulong loadAddress)
    {
        uint load = (uint)loadAddress;
        var header = new byte[Multiboot2HeaderBytes];
        var w = new BinaryWriter(new MemoryStream(header));
        w.Write(Multiboot2Magic);
        w.Write(0u);
        w.Write((uint)Multiboot2HeaderBytes);
        w.Write(unchecked(0u - Multiboot2Magic - (uint)Multiboot2HeaderBytes));
        w.Write(Multiboot2AddressTag);
        w.Write((ushort)0);
        w.Write(24u);
        w.Write(load);
        w.Write(load);
        w.Write(0u);
        w.Write(0u);
        w.Write(Multiboot2EntryTag);
        w.Write((ushort)0);
        w.Write(12u);
        w.Write(load + Multiboot2HeaderBytes);
        w.Write(0u);   // padding to the 8-byte boundary; the end tag (type 0, flags 0, size 8) follows
        w.Write(0u);
        w.Write(8u);
        return header;
    }

    /// <summary>After the check's code: jnz fail; PASS; jmp done; fail: FAIL name: detail [extra]; done:</summary>
    private void EmitVerdict(string name, string failText, Action extraOnFail)
    {
        Label fail = Asm.CreateLabel();
        Label done = Asm.CreateLabel();
        Asm.jnz(fail);
        EmitPrint($"PASS {name}\n");
        Asm.jmp(done);
        Place(ref fail);
        EmitPrint($"FAIL {name}: {failText}");
        extraOnFail?.Invoke();
        EmitPrint("\n");
        Place(ref done);
    }

    /// <summary>Saves the accumulator in the Observed slot, masks it and compares: ZF = 1 on equal.</summary>
    private void EmitCompareAccumulator(ulong expected, ulong mask)
    {
        if (Mode == GuestMode.Long)
        {
            Asm.mov(__qword_ptr[Layout.Observed], rax);
            if (mask != ulong.MaxValue)
                WithImmediate64(mask, r => Asm.and(rax, r), imm => Asm.and(rax, imm));
            WithImmediate64(expected, r => Asm.cmp(rax, r), imm => Asm.cmp(rax, imm));
        }
        else
        {
            Asm.mov(__dword_ptr[Layout.Observed], eax);
            if ((uint)mask != uint.MaxValue)
                Asm.and(eax, (uint)mask);
            Asm.cmp(eax, (uint)expected);
        }
    }

    // A 64-bit immediate either fits a sign-extended imm32 or goes through RDX (saved around it;
    // POP leaves the flags of the compare alone).
    private void WithImmediate64(ulong value, Action<AssemblerRegister64> viaRegister, Action<int> direct)
    {
        long signed = (long)value;
        if (signed >= int.MinValue && signed <= int.MaxValue)
        {
            direct((int)signed);
            return;
        }
        Asm.push(rdx);
        Asm.mov(rdx, value);
        viaRegister(rdx);
        Asm.pop(rdx);
    }

    private void EmitPrintObserved()
    {
        if (Mode == GuestMode.Long)
        {
            Asm.push(rax);
            Asm.mov(rax, __qword_ptr[Layout.Observed]);
            EmitPrintHexAccumulator();
            Asm.pop(rax);
        }
        else
        {
            Asm.push(eax);
            Asm.mov(eax, __dword_ptr[Layout.Observed]);
            EmitPrintHexAccumulator();
            Asm.pop(eax);
        }
    }

    private void EmitPowerOff(ulong status)
    {
        EmitHypercall(Hypercall.PowerOff, rbx: status);
        EmitPrint("FAIL power-off: the power-off hypercall returned\n");
        Label halt = Asm.CreateLabel();
        Asm.cli();
        Place(ref halt);
        Asm.hlt();
        Asm.jmp(halt);
    }

    /// <summary>RAX/RBX/RCX... = value, in the widest form the mode has (32 bits outside long mode).</summary>
    private void LoadImmediate(Register register64, ulong value)
    {
        if (Mode == GuestMode.Long && value > uint.MaxValue)
        {
            Asm.mov(new AssemblerRegister64(register64), value);
            return;
        }
        if (value > uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(value), $"{Name}: 0x{value:x} does not fit a 32-bit register");
        // In long mode a 32-bit move zero-extends into the full register.
        Register register32 = register64 - Register.RAX + Register.EAX;
        Asm.mov(new AssemblerRegister32(register32), (uint)value);
    }

    /// <summary>Strings, then Data blobs; returns the first one's label (where the code ends).</summary>
    private string EmitData()
    {
        if (pass.Strings.Count == 0)
            throw new InvalidOperationException("every program prints, so there is always a string");
        foreach (string text in pass.Strings)
        {
            Mark(pass.StringLabels[text]);
            Asm.db(Encoding.ASCII.GetBytes(text + "\0"));
        }
        foreach ((string label, byte[] bytes) in blobs)
        {
            Mark(label);
            Asm.db(bytes);
        }
        return pass.StringLabels[pass.Strings[0]];
    }

    private string StringLabel(string text)
    {
        if (!pass.StringLabels.TryGetValue(text, out string label))
        {
            label = "str:" + pass.Strings.Count;
            pass.StringLabels[text] = label;
            pass.Strings.Add(text);
        }
        return label;
    }

    private Label NamedLabel(string name)
    {
        if (!pass.Named.TryGetValue(name, out Label label))
        {
            label = Asm.CreateLabel(name);
            pass.Named[name] = label;
        }
        return label;
    }

    /// <summary>Iced allows one label per instruction: a second label at the same spot gets a NOP.</summary>
    private void Place(ref Label label)
    {
        if (Asm.Instructions.Count == pass.PendingLabelAt)
            Asm.nop();
        Asm.Label(ref label);
        pass.PendingLabelAt = Asm.Instructions.Count;
    }

    private void SetExpectedStop(string reason)
    {
        if (!expectedStopFixed && expectedStop == null)
            expectedStop = reason;
    }

    private void AddCheck(string name, GuestCheckKind kind, string detail)
    {
        RequireName(name, "check name");
        RequirePrintable(detail);
        if (checks.Any(c => c.Name == name))
            throw new ArgumentException($"{Name}: check '{name}' is defined twice", nameof(name));
        checks.Add(new GuestCheck(name, kind, detail));
    }

    private void RequireFitsAccumulator(ulong expected, ulong mask)
    {
        if (Mode != GuestMode.Long && (expected > uint.MaxValue || (mask != ulong.MaxValue && mask > uint.MaxValue)))
            throw new ArgumentOutOfRangeException(nameof(expected), $"{Name}: a {Mode} guest compares 32-bit values");
    }

    private void RequireRealModeAddress(ulong address)
    {
        if (address > 0xFFFF)
            throw new InvalidOperationException($"{Name}: 0x{address:x} is outside the real-mode segment");
    }

    private static void RequireName(string name, string what)
    {
        if (name == null || !NamePattern.IsMatch(name))
            throw new ArgumentException($"{what} '{name}' must be lower-case letters, digits and '-'");
    }

    private static void RequirePrintable(string text)
    {
        if (text == null)
            throw new ArgumentNullException(nameof(text));
        foreach (char c in text)
            if (c != '\n' && (c < ' ' || c > '~'))
                throw new ArgumentException($"guest text must be printable ASCII: {text}");
    }

    private sealed class Pass
    {
        public Pass(int bitness) => Asm = new Assembler(bitness);

        public Assembler Asm { get; }

        public Dictionary<string, Label> Named { get; } = new();

        public HashSet<string> Placed { get; } = new();

        public HashSet<string> Referenced { get; } = new();

        public Dictionary<string, string> StringLabels { get; } = new();

        public List<string> Strings { get; } = new();

        /// <summary>Instruction count at which the last label was placed (it sits on the next instruction).</summary>
        public int PendingLabelAt { get; set; } = -1;
    }
}
