// Host side, no emulator. The guest binaries disassembled with Iced's decoder: every byte of code
// decodes in the guest's mode, every direct branch stays inside the image, and each guest holds
// the instructions its test is about.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using BareVisor.Guests;
using Iced.Intel;
using Xunit;

namespace BareVisor.VmxTests;

public sealed class GuestBinaryTests
{
    private static readonly IReadOnlyList<GuestImage> Suite = TestGuests.Suite();
    private static readonly GuestImage Bench = BenchGuests.Guest();

    public static TheoryData<string> AllGuests()
    {
        var data = new TheoryData<string>();
        foreach (GuestImage guest in Suite)
            data.Add(guest.Name);
        data.Add(Bench.Name);
        return data;
    }

    private static GuestImage Guest(string name) => name == Bench.Name ? Bench : Suite.Single(g => g.Name == name);

    private static IReadOnlyList<Instruction> Code(string name) => Guest(name).DecodeCode();

    [Theory]
    [MemberData(nameof(AllGuests))]
    public void CodeDecodesWithoutInvalidInstructions(string name)
    {
        GuestImage guest = Guest(name);
        IReadOnlyList<Instruction> code = guest.DecodeCode();
        Assert.NotEmpty(code);
        var bad = code.Where(i => i.IsInvalid).Select(i => $"0x{i.IP:x}").ToList();
        Assert.True(bad.Count == 0, $"{name}: invalid instructions at {string.Join(", ", bad)}\n{guest.Listing()}");
        Assert.Equal(guest.LoadAddress + (ulong)guest.CodeLength, code[^1].NextIP);
    }

    [Theory]
    [MemberData(nameof(AllGuests))]
    public void DirectBranchesStayInsideTheCode(string name)
    {
        GuestImage guest = Guest(name);
        ulong start = guest.EntryAddress, end = guest.LoadAddress + (ulong)guest.CodeLength;
        var starts = guest.DecodeCode().Select(i => i.IP).ToHashSet();
        foreach (Instruction i in guest.DecodeCode().Where(i => i.FlowControl is FlowControl.UnconditionalBranch or FlowControl.ConditionalBranch or FlowControl.Call))
        {
            if (i.Op0Kind is not (OpKind.NearBranch16 or OpKind.NearBranch32 or OpKind.NearBranch64))
                continue;
            ulong target = i.NearBranchTarget;
            Assert.True(target >= start && target < end && starts.Contains(target),
                        $"{name}: branch at 0x{i.IP:x} to 0x{target:x} is not an instruction of the guest");
        }
    }

    [Theory]
    [MemberData(nameof(AllGuests))]
    public void StartsByPrintingItsStartLine(string name)
    {
        GuestImage guest = Guest(name);
        string start = $"start: {guest.Mode.CommandLineName()} mode";
        Assert.Contains(start, Ascii(guest));
        // The first CALL is the print of that line.
        Instruction call = guest.DecodeCode().First(i => i.FlowControl == FlowControl.Call);
        Assert.Equal(guest.Labels["print-string"], call.NearBranchTarget);
    }

    [Theory]
    [MemberData(nameof(AllGuests))]
    public void EveryCheckHasItsVerdictStrings(string name)
    {
        GuestImage guest = Guest(name);
        string data = Ascii(guest);
        foreach (GuestCheck check in guest.Checks)
        {
            switch (check.Kind)
            {
                case GuestCheckKind.Check:
                    Assert.Contains($"PASS {check.Name}\n", data);
                    Assert.Contains($"FAIL {check.Name}: ", data);
                    break;
                case GuestCheckKind.CheckOrSkip:
                    Assert.Contains($"PASS {check.Name}\n", data);
                    Assert.Contains($"SKIP {check.Name}: ", data);
                    break;
                case GuestCheckKind.Skip:
                    Assert.Contains($"SKIP {check.Name}: ", data);
                    break;
                case GuestCheckKind.ExpectStop:
                    Assert.Contains($"FAIL {check.Name}: the guest went on", data);
                    break;
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllGuests))]
    public void ModuleLineFollowsTheGuestContract(string name)
    {
        GuestImage guest = Guest(name);
        if (guest.IsMultibootKernel)
        {
            // A configured VM's kernel module is named by its path in the configuration.
            Assert.Equal(guest.FileName, guest.ModuleArguments);
            Assert.Contains($"kernel = {guest.FileName}\n", guest.ConfigSection);
            return;
        }
        Assert.Matches(new Regex(@"^guest name=[a-z0-9][a-z0-9-]* mode=(real|protected|long)( memory=\d+M)?( timelimit=\d+)?$"), guest.ModuleArguments);
        Assert.True((ulong)guest.Bytes.Length <= guest.Mode.MaxImageBytes(guest.MemoryBytes), $"{name} is too big for its mode");
    }

    [Theory]
    [MemberData(nameof(AllGuests))]
    public void EndsWithAPowerOffOrAnExpectedStop(string name)
    {
        GuestImage guest = Guest(name);
        IReadOnlyList<Instruction> code = guest.DecodeCode();
        // Every VMCALL with RAX = 2 loads its status into EBX/RBX just before.
        int powerOffs = 0;
        for (int i = 2; i < code.Count; i++)
            if (code[i].Code == Iced.Intel.Code.Vmcall && LoadsImmediate(code, i, Register.EAX, Hypercall.PowerOff))
                powerOffs++;
        Assert.True(powerOffs >= 2, $"{name}: expected its own power-off and the run-past-the-end one, found {powerOffs}");
        Assert.True(guest.ExpectedStop != null, $"{name} has no expected stop");
    }

    [Fact]
    public void RealModeCpuidGuestAsksTheHypervisorLeafAndLeafOne()
    {
        IReadOnlyList<Instruction> code = Code("real-cpuid");
        var leaves = new List<uint>();
        for (int i = 0; i < code.Count; i++)
            if (code[i].Code == Iced.Intel.Code.Cpuid)
                leaves.Add(LastImmediateInto(code, i, Register.EAX));
        Assert.Contains(GuestCode.HypervisorLeaf, leaves);
        Assert.Contains(1u, leaves);
        Assert.Contains(0u, leaves);
        Assert.True(code.Count(i => i.Mnemonic == Mnemonic.Cmp && i.Op1Kind == OpKind.Immediate32 && i.Immediate32 == GuestCode.SignatureEbx) == 1);
    }

    [Fact]
    public void RealModeIoGuestHammersTheUnclaimedPort()
    {
        IReadOnlyList<Instruction> code = Code("real-io");
        Assert.Contains(code, i => i.Code == Iced.Intel.Code.Insb_m8_DX && i.HasRepPrefix);
        Assert.Contains(code, i => i.Code == Iced.Intel.Code.Outsb_DX_m8 && i.HasRepPrefix);
        Assert.Contains(code, i => i.Mnemonic == Mnemonic.Out && i.Op0Kind == OpKind.Immediate8 && i.Immediate8 == GuestCode.PostCodePort);
        Assert.Contains(code, i => i.Mnemonic == Mnemonic.Mov && i.Op0Register == Register.ECX && i.Op1Kind == OpKind.Immediate32 && i.Immediate32 == TestGuests.HammerCount);
        Assert.Contains(code, i => i.Mnemonic == Mnemonic.Mov && i.Op0Register == Register.DX && i.Op1Kind == OpKind.Immediate16 && i.Immediate16 == GuestCode.UnclaimedPort);
        Assert.Contains(code, i => i.Code == Iced.Intel.Code.In_EAX_DX);
        Assert.Contains(code, i => i.Code == Iced.Intel.Code.In_AX_DX);
        Assert.Contains(code, i => i.Code == Iced.Intel.Code.In_AL_DX);
    }

    [Fact]
    public void RealModeMsrGuestBuildsItsIvtAndTouchesTheForbiddenMsrs()
    {
        GuestImage guest = Guest("real-msr");
        IReadOnlyList<Instruction> code = guest.DecodeCode();
        // IVT entry 13 (at 0x34) points at the #GP stub, segment 0.
        Instruction ivt13 = code.Single(i => i.Mnemonic == Mnemonic.Mov && i.Op0Kind == OpKind.Memory && i.MemoryBase == Register.None && i.MemoryDisplacement32 == 13 * 4);
        Assert.Equal(guest.Labels["exception-13"], (ulong)ivt13.Immediate32);
        Instruction ivt6 = code.Single(i => i.Mnemonic == Mnemonic.Mov && i.Op0Kind == OpKind.Memory && i.MemoryBase == Register.None && i.MemoryDisplacement32 == 6 * 4);
        Assert.Equal(guest.Labels["exception-6"], (ulong)ivt6.Immediate32);
        var msrs = new List<uint>();
        for (int i = 0; i < code.Count; i++)
            if (code[i].Code is Iced.Intel.Code.Wrmsr or Iced.Intel.Code.Rdmsr)
                msrs.Add(LastImmediateInto(code, i, Register.ECX));
        Assert.Equal([GuestCode.Ia32BiosUpdtTrig, GuestCode.Ia32BiosUpdtTrig, GuestCode.Ia32VmxBasic, GuestCode.Ia32SmmMonitorCtl], msrs);
        Assert.Contains(code, i => i.Code == Iced.Intel.Code.Vmxon_m64);
        Assert.Contains(code, i => i.Code == Iced.Intel.Code.Iretw);
    }

    [Fact]
    public void ProtectedModeGuestsBuildAGdtAndIdt()
    {
        GuestImage guest = Guest("prot-vmx");
        IReadOnlyList<Instruction> code = guest.DecodeCode();
        Assert.Contains(code, i => i.Code == Iced.Intel.Code.Lgdt_m1632);
        Assert.Contains(code, i => i.Code == Iced.Intel.Code.Lidt_m1632);
        Assert.Contains(code, i => i.Code == Iced.Intel.Code.Iretd);
        // IDT gate 6, low dword: selector 0x08 and the low half of the #UD stub's address.
        ulong handler = guest.Labels["exception-6"];
        GuestLayout layout = GuestLayout.For(GuestMode.Protected);
        Instruction low = code.Single(i => i.Op0Kind == OpKind.Memory && i.MemoryBase == Register.None && i.MemoryDisplacement32 == layout.Idt + 6 * 8);
        Assert.Equal(0x00080000u | (uint)(handler & 0xFFFF), low.Immediate32);
        Instruction high = code.Single(i => i.Op0Kind == OpKind.Memory && i.MemoryBase == Register.None && i.MemoryDisplacement32 == layout.Idt + 6 * 8 + 4);
        Assert.Equal((uint)(handler & 0xFFFF0000) | 0x8E00, high.Immediate32);
    }

    [Fact]
    public void ProtectedModeHandlersHaveATssForRing3()
    {
        GuestImage guest = Guest("prot-vmx");
        var code = guest.DecodeCode().ToList();
        GuestLayout layout = GuestLayout.For(GuestMode.Protected);
        int ltr = code.FindIndex(i => i.Mnemonic == Mnemonic.Ltr);
        Assert.True(ltr > 0);
        Assert.Equal(0x28u, LastImmediateInto(code, ltr, Register.EAX));
        // TSS descriptor (GDT entry 5): base = the TSS, limit 103, present 32-bit available TSS.
        uint low = code.Single(i => i.Op0Kind == OpKind.Memory && i.MemoryBase == Register.None && i.MemoryDisplacement32 == layout.Gdt + 40).Immediate32;
        uint high = code.Single(i => i.Op0Kind == OpKind.Memory && i.MemoryBase == Register.None && i.MemoryDisplacement32 == layout.Gdt + 44).Immediate32;
        ulong descriptor = (ulong)high << 32 | low;
        Assert.Equal(layout.Tss, ((descriptor >> 16) & 0xFFFFFF) | ((descriptor >> 32) & 0xFF000000));
        Assert.Equal(103UL, descriptor & 0xFFFF);
        Assert.Equal(0x89UL, (descriptor >> 40) & 0xFF);
        // ESP0 and SS0.
        Assert.Contains(code, i => i.Op0Kind == OpKind.Memory && i.MemoryDisplacement32 == layout.Tss + 4 && i.Immediate32 == layout.KernelStackTop);
        Assert.Contains(code, i => i.Op0Kind == OpKind.Memory && i.MemoryDisplacement32 == layout.Tss + 8 && i.Immediate32 == 0x10);
        // The ring-3 check enters user code with IRETD: EIP = its label, CS = 0x1B.
        int iret = code.FindIndex(i => i.Code == Iced.Intel.Code.Iretd && i.IP < guest.Labels["print-string"]);
        Assert.Equal(guest.Labels["ring-3:vmcall-from-ring-3"], (ulong)code[iret - 1].Immediate32);
        Assert.Equal(0x1Bu, code[iret - 2].Immediate32);
        Assert.Equal(guest.Labels["ring-3:vmcall-from-ring-3"], code[iret].NextIP);
    }

    [Fact]
    public void VmxGuestExecutesEveryVmxInstruction()
    {
        var codes = Code("prot-vmx").Select(i => i.Code).ToHashSet();
        Iced.Intel.Code[] expected =
        [
            Iced.Intel.Code.Vmxon_m64, Iced.Intel.Code.Vmxoff, Iced.Intel.Code.Vmclear_m64, Iced.Intel.Code.Vmptrld_m64,
            Iced.Intel.Code.Vmptrst_m64, Iced.Intel.Code.Vmread_rm32_r32, Iced.Intel.Code.Vmwrite_r32_rm32,
            Iced.Intel.Code.Vmlaunch, Iced.Intel.Code.Vmresume, Iced.Intel.Code.Invept_r32_m128, Iced.Intel.Code.Invvpid_r32_m128,
            Iced.Intel.Code.Getsecd,
        ];
        foreach (Iced.Intel.Code c in expected)
            Assert.Contains(c, codes);
    }

    // What makes the flush checks able to fail: the marker is stored, EAX cleared, then the flush,
    // then EAX loaded from the same address.
    [Theory]
    [InlineData(Iced.Intel.Code.Invd, TestGuests.InvdMarker)]
    [InlineData(Iced.Intel.Code.Wbinvd, TestGuests.WbinvdMarker)]
    public void ProtectedModeGuestFlushesBetweenAWriteAndItsReadBack(Iced.Intel.Code flush, uint marker)
    {
        var code = Code("prot32").ToList();
        Assert.Equal(1, code.Count(i => i.Code == flush));
        int at = code.FindIndex(i => i.Code == flush);
        Instruction store = code[at - 2], clear = code[at - 1], load = code[at + 1];
        Assert.Equal(Iced.Intel.Code.Mov_rm32_imm32, store.Code);
        Assert.Equal(marker, store.Immediate32);
        Assert.Equal((Mnemonic.Xor, Register.EAX, Register.EAX), (clear.Mnemonic, clear.Op0Register, clear.Op1Register));
        Assert.Equal((Mnemonic.Mov, Register.EAX), (load.Mnemonic, load.Op0Register));
        Assert.True(load.IsMemoryAccess(store.MemoryDisplacement64), $"the load after {flush} does not read the marker's address");
    }

    [Fact]
    public void LongModeGuestsUse64BitCodeAndTheirOwnIdt()
    {
        GuestImage guest = Guest("long64");
        IReadOnlyList<Instruction> code = guest.DecodeCode();
        Assert.Contains(code, i => i.Code == Iced.Intel.Code.Iretq);
        Assert.Contains(code, i => i.Code == Iced.Intel.Code.Lidt_m1664);
        // The console write passes the address of the message, which is in the image.
        ulong message = guest.Labels["console-message"];
        Assert.Contains(code, i => i.Mnemonic == Mnemonic.Mov && i.Op0Register == Register.EBX && i.Immediate32 == message);
        int offset = (int)(message - guest.LoadAddress);
        Assert.Equal(TestGuests.LongModeMessage + "\n", Encoding.ASCII.GetString(guest.Bytes, offset, TestGuests.LongModeMessage.Length + 1));
    }

    [Fact]
    public void XsetbvGuestSetsOsxsaveBeforeXsetbv()
    {
        var code = Code("long-xsetbv").ToList();
        int cr4 = code.FindIndex(i => i.Code == Iced.Intel.Code.Mov_cr_r64);
        int xsetbv = code.FindIndex(i => i.Code == Iced.Intel.Code.Xsetbv);
        Assert.InRange(cr4, 1, xsetbv - 1);
        Assert.Equal(Iced.Intel.Code.Xgetbv, code[xsetbv + 2].Code);
    }

    [Theory]
    [InlineData("ept-read", TestGuests.EptReadAddress)]
    [InlineData("ept-write", TestGuests.EptWriteAddress)]
    public void EptGuestsTouchAnAddressFarOutsideTheirRam(string name, uint address)
    {
        GuestImage guest = Guest(name);
        Assert.Null(guest.MemoryMiB); // the default 16 MiB: the module line has no memory=
        Assert.True(address >= guest.MemoryBytes);
        Assert.Contains(guest.DecodeCode(), i => i.Mnemonic == Mnemonic.Mov && i.IsMemoryAccess(address));
    }

    [Fact]
    public void EptExecuteGuestJumpsOutsideItsRam()
    {
        IReadOnlyList<Instruction> code = Code("ept-execute");
        int jump = code.ToList().FindIndex(i => i.Code == Iced.Intel.Code.Jmp_rm32 && i.Op0Register == Register.EAX);
        Assert.True(jump > 0);
        Assert.Equal(TestGuests.EptExecuteAddress, LastImmediateInto(code, jump, Register.EAX));
    }

    [Fact]
    public void TripleFaultGuestLoadsAnEmptyIdtThenBreaks()
    {
        IReadOnlyList<Instruction> code = Code("triple-fault");
        int lidt = code.ToList().FindIndex(i => i.Code == Iced.Intel.Code.Lidt_m1632);
        Assert.True(lidt > 0);
        Assert.Equal(Iced.Intel.Code.Int3, code[lidt + 1].Code);
        Assert.DoesNotContain(code, i => i.Code == Iced.Intel.Code.Lgdt_m1632);
    }

    [Fact]
    public void HltGuestHaltsWithInterruptsDisabled()
    {
        IReadOnlyList<Instruction> code = Code("hlt-cli");
        int hlt = code.ToList().FindIndex(i => i.Code == Iced.Intel.Code.Hlt);
        Assert.Equal(Iced.Intel.Code.Cli, code[hlt - 1].Code);
        Assert.DoesNotContain(code.Take(hlt), i => i.Code == Iced.Intel.Code.Sti);
    }

    [Fact]
    public void BenchGuestTimesEachBenchmarkWithRdtsc()
    {
        IReadOnlyList<Instruction> code = Code("bench");
        Assert.Equal(2 * BenchGuests.Benches.Count, code.Count(i => i.Code == Iced.Intel.Code.Rdtsc));
        Assert.Contains(code, i => i.Code == Iced.Intel.Code.Cpuid);
        Assert.Contains(code, i => i.Code == Iced.Intel.Code.Vmcall);
        Assert.Contains(code, i => i.Mnemonic == Mnemonic.Out && i.Op0Kind == OpKind.Immediate8 && i.Immediate8 == GuestCode.PostCodePort);
        Assert.Contains(code, i => i.Mnemonic == Mnemonic.Mov && i.IsMemoryAccess(GuestCode.IoApicBase));
        // One warm-up and one timed loop per benchmark, counted down in EBP.
        var counts = code.Where(i => i.Mnemonic == Mnemonic.Mov && i.Op0Register == Register.EBP).Select(i => i.Immediate32).ToList();
        Assert.Equal(BenchGuests.Benches.Count, counts.Count(c => c == BenchGuests.DefaultIterations));
        Assert.Equal(BenchGuests.Benches.Count, counts.Count(c => c == BenchGuests.WarmUpIterations));
        foreach (BenchGuests.Bench bench in BenchGuests.Benches)
            Assert.Contains($"BENCH {bench.Name} ", Ascii(Bench));
    }

    [Fact]
    public void SuiteRunsTheHostileGuestsBeforeStillWorks()
    {
        var names = Suite.Select(g => g.Name).ToList();
        var modules = Suite.Where(g => !g.IsMultibootKernel).Select(g => g.Name).ToList();
        Assert.Equal("still-works", modules[^1]);
        // The configured VMs run after every guest module: the suite lists them last too.
        Assert.Equal(modules, names.Take(modules.Count));
        Assert.Equal(names.Count, names.Distinct().Count());
        foreach (string hostile in TestGuests.HostileGuests)
            Assert.Contains(hostile, names);
    }

    private static string Ascii(GuestImage guest) => Encoding.ASCII.GetString(guest.Bytes);

    // The last "mov reg, imm" into register (or its 64-bit form) before instruction index.
    private static uint LastImmediateInto(IReadOnlyList<Instruction> code, int index, Register register)
    {
        for (int i = index - 1; i >= 0; i--)
        {
            Instruction ins = code[i];
            if (ins.Mnemonic == Mnemonic.Mov && ins.Op0Kind == OpKind.Register && ins.Op0Register.GetFullRegister32() == register.GetFullRegister32()
                && ins.Op1Kind is OpKind.Immediate8 or OpKind.Immediate16 or OpKind.Immediate32 or OpKind.Immediate64 or OpKind.Immediate32to64)
                return (uint)ins.GetImmediate(1);
            if (ins.Mnemonic == Mnemonic.Xor && ins.Op0Kind == OpKind.Register && ins.Op1Kind == OpKind.Register
                && ins.Op0Register == ins.Op1Register && ins.Op0Register.GetFullRegister32() == register.GetFullRegister32())
                return 0;
        }
        throw new InvalidOperationException($"no immediate into {register} before instruction {index}");
    }

    private static bool LoadsImmediate(IReadOnlyList<Instruction> code, int index, Register register, ulong value)
    {
        try
        {
            return LastImmediateInto(code, index, register) == value;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

internal static class InstructionExtensions
{
    /// <summary>An absolute memory operand at <paramref name="address"/> (no base or index register).</summary>
    public static bool IsMemoryAccess(this Instruction instruction, ulong address)
    {
        for (int op = 0; op < instruction.OpCount; op++)
        {
            OpKind kind = instruction.GetOpKind(op);
            if (kind == OpKind.Memory && instruction.MemoryBase == Register.None && instruction.MemoryIndex == Register.None
                && instruction.MemoryDisplacement64 == address)
                return true;
        }
        return false;
    }
}
