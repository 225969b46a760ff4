// Host side, no emulator. The guest DSL itself: what a check emits, how addresses of labels are
// resolved across passes, and the mistakes it refuses.
using System;
using System.Linq;
using System.Text;
using BareVisor.Guests;
using Iced.Intel;
using Xunit;
using static Iced.Intel.AssemblerRegisters;

namespace BareVisor.VmxTests;

public sealed class GuestProgramTests
{
    [Theory]
    [InlineData(GuestMode.Real, 0x7C00UL, 16)]
    [InlineData(GuestMode.Protected, 0x100000UL, 32)]
    [InlineData(GuestMode.Long, 0x100000UL, 64)]
    public void ImageStartsAtTheModesLoadAddress(GuestMode mode, ulong load, int bitness)
    {
        GuestImage image = new GuestProgram("t", mode, "").PowerOff(0).Build();
        Assert.Equal(load, image.LoadAddress);
        Assert.Equal(bitness, mode.Bitness());
        Assert.Equal(Iced.Intel.Code.Cli, image.DecodeCode()[0].Code);
    }

    [Fact]
    public void ACheckJumpsToItsFailLineWhenZfIsClear()
    {
        GuestImage image = new GuestProgram("t", GuestMode.Protected, "")
            .Check("answer", a => a.cmp(eax, 42), "not the answer")
            .PowerOff(0)
            .Build();
        var code = image.DecodeCode();
        int cmp = code.ToList().FindIndex(i => i.Mnemonic == Mnemonic.Cmp && i.Immediate32 == 42);
        Instruction jnz = code[cmp + 1];
        Assert.Equal(Mnemonic.Jne, jnz.Mnemonic);
        // PASS is printed on the fall-through path, FAIL at the branch target.
        Assert.Equal(image.Labels[StringLabel(image, "PASS answer\n")], code[cmp + 3].Immediate32);
        int target = code.ToList().FindIndex(i => i.IP == jnz.NearBranchTarget);
        Assert.Equal(image.Labels[StringLabel(image, "FAIL answer: not the answer")], code[target + 1].Immediate32);
    }

    [Fact]
    public void LabelAddressesAreResolvedIntoImmediates()
    {
        var p = new GuestProgram("t", GuestMode.Protected, "");
        p.Data("blob", [1, 2, 3, 4]);
        p.Emit(a => a.mov(ebx, (uint)p.AddressOf("blob")));
        p.Emit(a => a.mov(ecx, (uint)p.AddressOf("later")));
        p.Emit(a => p.Mark("later"));
        p.Emit(a => a.nop());
        p.PowerOff(0);
        GuestImage image = p.Build();
        var code = image.DecodeCode();
        Assert.Contains(code, i => i.Op0Register == Register.EBX && i.Mnemonic == Mnemonic.Mov && i.Immediate32 == image.Labels["blob"]);
        Assert.Equal([1, 2, 3, 4], image.Bytes.Skip((int)(image.Labels["blob"] - image.LoadAddress)).Take(4));
        Assert.Contains(code, i => i.Op0Register == Register.ECX && i.Mnemonic == Mnemonic.Mov && i.Immediate32 == image.Labels["later"]);
        Assert.Contains(code, i => i.IP == image.Labels["later"]);
    }

    [Fact]
    public void CheckEqualPrintsExpectedAndObservedOnFailure()
    {
        GuestImage image = new GuestProgram("t", GuestMode.Long, "")
            .CheckEqual("big", a => a.xor(eax, eax), 0x1_2345_6789UL)
            .PowerOff(0)
            .Build();
        Assert.Contains("FAIL big: expected 0x123456789, got ", Encoding.ASCII.GetString(image.Bytes));
        // A 64-bit expected value that is no sign-extended imm32 is compared through RDX.
        Assert.Contains(image.DecodeCode(), i => i.Code == Iced.Intel.Code.Mov_r64_imm64 && i.Immediate64 == 0x1_2345_6789UL);
    }

    [Fact]
    public void CheckFaultNeedsTheExceptionHandlers()
    {
        var p = new GuestProgram("t", GuestMode.Real, "").CheckFault("gp", 13, a => a.wrmsr()).PowerOff(0);
        Assert.Throws<InvalidOperationException>(() => p.Build());
    }

    [Fact]
    public void CheckFaultResumesAfterTheFaultingInstruction()
    {
        GuestImage image = new GuestProgram("t", GuestMode.Protected, "")
            .InstallExceptionHandlers()
            .CheckFault("ud", 6, a => a.ud2())
            .PowerOff(0)
            .Build();
        var code = image.DecodeCode().ToList();
        int ud2 = code.FindIndex(i => i.Code == Iced.Intel.Code.Ud2);
        Assert.Equal(image.Labels["resume:ud"], code[ud2].NextIP);
        // The armed resume address is the one the handler returns to.
        Assert.Equal(image.Labels["resume:ud"], code[ud2 - 1].Immediate32);
    }

    [Fact]
    public void SkipPrintsItsReason()
    {
        GuestImage image = new GuestProgram("t", GuestMode.Real, "").Skip("later", "not written yet").PowerOff(0).Build();
        Assert.Contains("SKIP later: not written yet\n", Encoding.ASCII.GetString(image.Bytes));
        Assert.Equal(GuestCheckKind.Skip, image.Checks.Single().Kind);
    }

    [Fact]
    public void ExpectStopSetsTheExpectedEnd()
    {
        GuestImage image = new GuestProgram("t", GuestMode.Real, "").ExpectStop("halt", "halted with interrupts disabled", a => a.hlt()).Build();
        Assert.Equal("halted with interrupts disabled", image.ExpectedStop);
        Assert.Equal("powered off with status 7", new GuestProgram("u", GuestMode.Real, "").PowerOff(7).Build().ExpectedStop);
    }

    [Fact]
    public void ConsecutiveLabelsGetAnInstructionBetweenThem()
    {
        var p = new GuestProgram("t", GuestMode.Protected, "");
        p.Emit(a => p.Mark("one"));
        p.Emit(a => p.Mark("two"));
        p.PowerOff(0);
        GuestImage image = p.Build();
        Assert.NotEqual(image.Labels["one"], image.Labels["two"]);
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("with space")]
    [InlineData("colon:")]
    [InlineData("")]
    public void NamesAreLowerCaseWordsWithDashes(string name)
    {
        Assert.Throws<ArgumentException>(() => new GuestProgram(name, GuestMode.Real, ""));
        Assert.Throws<ArgumentException>(() => new GuestProgram("ok", GuestMode.Real, "").Check(name, a => a.nop()));
    }

    [Fact]
    public void RefusesDuplicateChecksUnknownLabelsAndEndlessPrograms()
    {
        var twice = new GuestProgram("t", GuestMode.Real, "").Check("a", a => a.nop());
        Assert.Throws<ArgumentException>(() => twice.Check("a", a => a.nop()));

        var unknown = new GuestProgram("t", GuestMode.Protected, "");
        unknown.Emit(a => a.mov(eax, (uint)unknown.AddressOf("nowhere"))).PowerOff(0);
        Assert.Throws<InvalidOperationException>(() => unknown.Build());

        Assert.Throws<InvalidOperationException>(() => new GuestProgram("t", GuestMode.Real, "").Print("hi\n").Build());
        Assert.Throws<ArgumentException>(() => new GuestProgram("t", GuestMode.Real, "").Print("tab\t"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GuestProgram("t", GuestMode.Real, "").CheckEqual("x", a => a.nop(), 1UL << 40));
    }

    [Fact]
    public void ARealModeImageMustFitItsSegment()
    {
        var p = new GuestProgram("t", GuestMode.Real, "");
        p.Data("huge", new byte[0x9000]);
        p.PowerOff(0);
        Assert.Throws<InvalidOperationException>(() => p.Build());
    }

    [Fact]
    public void ListingShowsLabelsInstructionsAndStrings()
    {
        string listing = TestGuests.RealModeCpuid().Listing();
        Assert.Contains("print-string:\n", listing);
        Assert.Contains("cpuid", listing);
        Assert.Contains("db \"PASS vendor-is-intel\\n\", 0", listing);
        Assert.StartsWith("; real-cpuid: real mode, loaded at 0x7c00", listing);
    }

    private static string StringLabel(GuestImage image, string text)
    {
        byte[] needle = Encoding.ASCII.GetBytes(text);
        foreach (var (name, address) in image.Labels.Where(kv => kv.Key.StartsWith("str:")))
        {
            int offset = (int)(address - image.LoadAddress);
            if (image.Bytes.AsSpan(offset).StartsWith(needle))
                return name;
        }
        throw new InvalidOperationException($"no string '{text}' in the image");
    }
}
