// Host test code. GuestRegisters is shared with boot/vmx.asm: every G_* offset there must be the
// field's offset here, and the other way round. Register numbers follow the SDM's encoding.
using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using BareVisor.Core.Vmx;
using BareVisor.TableGen;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class GuestRegistersTests
    {
        // G_* names whose C# field is not the name in PascalCase.
        private static readonly Dictionary<string, string> s_renamed = new Dictionary<string, string>
        {
            ["FX"] = "FxSaveArea",
            ["IDT_VECTORING"] = "IdtVectoringInformation",
        };

        private static Dictionary<string, int> AsmOffsets()
        {
            string root = TableGenerator.FindRepositoryRoot(AppContext.BaseDirectory);
            Assert.NotNull(root);
            string asm = File.ReadAllText(Path.Combine(root, "boot", "vmx.asm"));
            Dictionary<string, int> offsets = new Dictionary<string, int>();
            foreach (Match m in Regex.Matches(asm, @"^G_(\w+)\s+equ\s+(\w+)", RegexOptions.Multiline))
            {
                string value = m.Groups[2].Value;
                int offset = value.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                    ? Convert.ToInt32(value.Substring(2), 16) : int.Parse(value);
                offsets.Add(FieldName(m.Groups[1].Value), offset);
            }
            return offsets;
        }

        private static string FieldName(string asmName)
        {
            if (s_renamed.TryGetValue(asmName, out string renamed))
                return renamed;
            string name = "";
            foreach (string part in asmName.Split('_'))
                name += part.Substring(0, 1) + part.Substring(1).ToLowerInvariant();
            return name;
        }

        [Fact]
        public void EveryAsmOffsetIsTheFieldsOffset()
        {
            Dictionary<string, int> asm = AsmOffsets();
            Assert.Contains("Rax", asm.Keys);
            Assert.Equal(0, asm["Rax"]);
            foreach (KeyValuePair<string, int> entry in asm)
            {
                FieldInfo field = typeof(GuestRegisters).GetField(entry.Key);
                Assert.True(field != null, "boot/vmx.asm has G_ for " + entry.Key + ", GuestRegisters has no such field");
                Assert.True(entry.Value == (int)Marshal.OffsetOf<GuestRegisters>(entry.Key),
                    entry.Key + ": vmx.asm says " + entry.Value + ", GuestRegisters has " + Marshal.OffsetOf<GuestRegisters>(entry.Key));
            }
        }

        [Fact]
        public void EveryFieldHasAnAsmOffset()
        {
            Dictionary<string, int> asm = AsmOffsets();
            foreach (FieldInfo field in typeof(GuestRegisters).GetFields(BindingFlags.Public | BindingFlags.Instance))
                Assert.True(asm.ContainsKey(field.Name), "GuestRegisters." + field.Name + " has no G_ offset in boot/vmx.asm");
        }

        [Fact]
        public unsafe void TheFxsaveAreaIsWhereVmxAsmAndFxSaveOffsetSayAndAligned()
        {
            Assert.Equal(GuestRegisters.FxSaveOffset, AsmOffsets()["FxSaveArea"]);
            Assert.Equal(GuestRegisters.FxSaveOffset, (int)Marshal.OffsetOf<GuestRegisters>("FxSaveArea"));
            Assert.Equal(0, GuestRegisters.FxSaveOffset % 16);          // FXSAVE64 needs a 16-byte aligned operand
            Assert.Equal(GuestRegisters.FxSaveOffset + 512, sizeof(GuestRegisters));
            Assert.Equal(sizeof(GuestRegisters), Unsafe.SizeOf<GuestRegisters>());
        }

        [Fact]
        public void GetAndSetUseTheSdmRegisterNumbers()
        {
            GuestRegisters r = default;
            for (int i = 0; i < 16; i++)
                r.Set(i, 0x100 + (ulong)i);
            Assert.Equal(0x100UL, r.Rax);
            Assert.Equal(0x101UL, r.Rcx);
            Assert.Equal(0x102UL, r.Rdx);
            Assert.Equal(0x103UL, r.Rbx);
            Assert.Equal(0x105UL, r.Rbp);
            Assert.Equal(0x106UL, r.Rsi);
            Assert.Equal(0x107UL, r.Rdi);
            Assert.Equal(0x108UL, r.R8);
            Assert.Equal(0x109UL, r.R9);
            Assert.Equal(0x10AUL, r.R10);
            Assert.Equal(0x10BUL, r.R11);
            Assert.Equal(0x10CUL, r.R12);
            Assert.Equal(0x10DUL, r.R13);
            Assert.Equal(0x10EUL, r.R14);
            Assert.Equal(0x10FUL, r.R15);
            for (int i = 0; i < 16; i++)
                Assert.Equal(i == 4 ? 0UL : 0x100 + (ulong)i, r.Get(i));
        }

        [Fact]
        public void RspIsNotHereAndOutOfRangeNumbersDoNothing()
        {
            GuestRegisters r = default;
            r.Set(4, 99);
            r.Set(16, 99);
            r.Set(-1, 99);
            Assert.Equal(0UL, r.Rax | r.Rbx | r.Rcx | r.Rdx | r.Rsi | r.Rdi | r.Rbp | r.R8 | r.R15 | r.Cr2 | r.Rip);
            Assert.Equal(0UL, r.Get(4));
            Assert.Equal(0UL, r.Get(16));
        }

        [Fact]
        public unsafe void ResetFpuGivesTheResetX87ControlWordAndMxcsr()
        {
            GuestRegisters r = default;
            for (int i = 0; i < 512; i++)
                r.FxSaveArea[i] = 0xCC;
            r.ResetFpu();
            Assert.Equal(0x037F, r.FxSaveArea[0] | r.FxSaveArea[1] << 8);
            Assert.Equal(0x1F80, r.FxSaveArea[24] | r.FxSaveArea[25] << 8);
            for (int i = 0; i < 512; i++)
            {
                if (i != 0 && i != 1 && i != 24 && i != 25)
                    Assert.Equal(0, r.FxSaveArea[i]);
            }
        }
    }
}
