// Host test code. boot/trampoline.asm reads two fields of the kernel's PerCpu block
// (src/BareVisor.Kernel/Arch/PerCpu.cs, not compiled for the host) at fixed offsets before the AP
// has a stack: each PERCPU_* offset there must be the [FieldOffset] of that field.
using System;
using System.IO;
using System.Text.RegularExpressions;
using BareVisor.TableGen;

namespace BareVisor.Core.Tests.Boot
{
    public class TrampolineOffsetsTests
    {
        [Theory]
        [InlineData("PERCPU_STACK_TOP", "StackTop")]
        [InlineData("PERCPU_APIC_ID", "ApicId")]
        public void AsmOffsetIsThePerCpuFieldOffset(string asmName, string field)
        {
            string root = TableGenerator.FindRepositoryRoot(AppContext.BaseDirectory);
            Assert.NotNull(root);
            string asm = File.ReadAllText(Path.Combine(root, "boot", "trampoline.asm"));
            string perCpu = File.ReadAllText(Path.Combine(root, "src", "BareVisor.Kernel", "Arch", "PerCpu.cs"));
            Match asmOffset = Regex.Match(asm, @"^" + asmName + @"\s+equ\s+(\d+)", RegexOptions.Multiline);
            Match csOffset = Regex.Match(perCpu, @"\[FieldOffset\((\d+)\)\]\s+public\s+[\w*. ]+\s" + field + ";");
            Assert.True(asmOffset.Success, "boot/trampoline.asm has no " + asmName);
            Assert.True(csOffset.Success, "PerCpu has no [FieldOffset] field " + field);
            Assert.Equal(csOffset.Groups[1].Value, asmOffset.Groups[1].Value);
        }
    }
}
