// Host test code. Malformed configuration files: every problem names its line and field, rejects the
// VM it is in and no other, and nothing throws.
using System;
using System.Linq;
using BareVisor.Core.Config;

namespace BareVisor.Core.Tests.Config
{
    public class GuestConfigErrorTests
    {
        private const string Good = "[vm good]\nkernel = k\nmemory = 1M\n";

        private static ConfigError OnlyError(string text)
        {
            GuestConfigResult result = GuestConfigParser.Parse(text);
            return Assert.Single(result.Errors);
        }

        /// <summary>One bad line in a second VM: that VM is rejected, the first one is not.</summary>
        private static ConfigError RejectsOnlyTheBadVm(string badLine)
        {
            GuestConfigResult result = GuestConfigParser.Parse(Good + "[vm bad]\nkernel = k\nmemory = 1M\n" + badLine + "\n");
            Assert.Equal("good", Assert.Single(result.Vms).Name);
            Assert.Equal(1, result.RejectedVms);
            ConfigError error = Assert.Single(result.Errors);
            Assert.Equal(7, error.Line);
            Assert.Equal("bad", error.VmName);
            return error;
        }

        [Theory]
        [InlineData("memory = 512", "has no unit; write 512M for MiB")]
        [InlineData("memory = lots", "is not a size")]
        [InlineData("memory = 12X", "has an unknown unit")]
        [InlineData("memory = 1.5G", "has an unknown unit")]
        [InlineData("memory = 512KB", "has an unknown unit")]
        [InlineData("memory = -1M", "is not a size")]
        [InlineData("memory = 1023K", "below the minimum of 1M")]
        [InlineData("memory = 1025G", "above the maximum of 1024G")]
        [InlineData("memory = 99999999999999999999999G", "above the maximum of 1024G")]
        [InlineData("memory = 1026K", "not a multiple of 4K")]
        [InlineData("memory =", "the value is empty")]
        public void BadSizes(string line, string message)
        {
            // The section already set memory once, so use a fresh one without it.
            GuestConfigResult result = GuestConfigParser.Parse(Good + "[vm bad]\nkernel = k\n" + line + "\n");
            Assert.Equal(1, result.RejectedVms);
            ConfigError error = Assert.Single(result.Errors);
            Assert.Equal(6, error.Line);
            Assert.Equal("memory", error.Field);
            Assert.Contains(message, error.Message);
        }

        [Theory]
        [InlineData("vcpus = 0", "out of range; use 1 to 64")]
        [InlineData("vcpus = 65", "out of range")]
        [InlineData("vcpus = 18446744073709551617", "out of range")]
        [InlineData("vcpus = two", "not a whole number")]
        [InlineData("vcpus = 2 4", "not a whole number")]
        [InlineData("vcpus = +2", "not a whole number")]
        [InlineData("vcpus =", "the value is empty")]
        public void BadVcpuCounts(string line, string message)
        {
            ConfigError error = RejectsOnlyTheBadVm(line);
            Assert.Equal("vcpus", error.Field);
            Assert.Contains(message, error.Message);
        }

        [Theory]
        [InlineData("initrd = my initrd", "contains a space")]
        [InlineData("initrd = a,b", "contains ','")]
        [InlineData("initrd = \"quoted\"", "contains '\"'")]
        [InlineData("initrd = guests/", "names a directory")]
        [InlineData("initrd =", "the value is empty")]
        public void BadPaths(string line, string message)
        {
            ConfigError error = RejectsOnlyTheBadVm(line);
            Assert.Equal("initrd", error.Field);
            Assert.Contains(message, error.Message);
        }

        [Fact]
        public void OverlongValues()
        {
            Assert.Contains("longer than 255", RejectsOnlyTheBadVm("initrd = " + new string('a', 256)).Message);
            Assert.Contains("longer than 2047", RejectsOnlyTheBadVm("cmdline = " + new string('a', 2048)).Message);
            Assert.Contains("longer than 4096", RejectsOnlyTheBadVm("cmdline = " + new string('a', 4100)).Message);
        }

        [Fact]
        public void UnknownKeysAreErrors()
        {
            ConfigError error = RejectsOnlyTheBadVm("kernal = k");
            Assert.Equal("kernal", error.Field);
            Assert.Equal("unknown key; the keys are kernel, initrd, cmdline, memory, vcpus", error.Message);
        }

        // Every VM gets the same PC (docs/boot-media.md, "The guest's PC"); a file that still asks
        // for devices is told so rather than having the line ignored.
        [Theory]
        [InlineData("devices = serial, pit, rtc")]
        [InlineData("devices =")]
        public void DevicesIsNoLongerAKey(string line)
        {
            ConfigError error = RejectsOnlyTheBadVm(line);
            Assert.Equal("devices", error.Field);
            Assert.Equal("line 7: devices: unknown key; the keys are kernel, initrd, cmdline, memory, vcpus; vm bad not started", error.Describe());
        }

        [Fact]
        public void KeysAreCaseSensitive() => Assert.Equal("Memory", RejectsOnlyTheBadVm("Memory = 1M").Field);

        [Fact]
        public void AKeySetTwiceNamesTheFirstLine()
        {
            ConfigError error = RejectsOnlyTheBadVm("kernel = other");
            Assert.Equal("kernel", error.Field);
            Assert.Equal("set twice (first on line 5)", error.Message);
        }

        [Fact]
        public void LinesThatAreNotKeyValuePairs()
        {
            Assert.Equal("syntax", RejectsOnlyTheBadVm("kernel k").Field);
            Assert.Contains("starts with '='", RejectsOnlyTheBadVm("= k").Message);
        }

        [Fact]
        public void MissingKernelAndMemoryAreReportedOnTheHeader()
        {
            GuestConfigResult result = GuestConfigParser.Parse(Good + "\n[vm empty]\nvcpus = 2\n");
            Assert.Single(result.Vms);
            Assert.Equal(1, result.RejectedVms);
            Assert.Equal(new[] { "kernel", "memory" }, result.Errors.Select(e => e.Field));
            Assert.All(result.Errors, e => Assert.Equal(5, e.Line));
            Assert.Equal("line 5: kernel: missing; every vm needs a kernel; vm empty not started", result.Errors[0].Describe());
        }

        [Fact]
        public void DuplicateNamesRejectTheLaterSection()
        {
            GuestConfigResult result = GuestConfigParser.Parse(Good + Good);
            Assert.Equal(1, Assert.Single(result.Vms).Line);
            Assert.Equal(1, result.RejectedVms);
            ConfigError error = Assert.Single(result.Errors);
            Assert.Equal("line 4: section: the name is already used by the vm on line 1; vm good not started", error.Describe());
        }

        [Theory]
        [InlineData("[vm]", "(unnamed)", "has no name")]
        [InlineData("[vm bad name]", "bad name", "contains a space")]
        [InlineData("[vm -x]", "-x", "must start with a letter or a digit")]
        [InlineData("[vm web", "web", "no closing ']'")]
        [InlineData("[vm web] x", "web", "text after")]
        [InlineData("[VM web]", "web", "unknown section [VM web]; the only section is [vm NAME]")]
        [InlineData("[global]", "global", "unknown section [global]")]
        [InlineData("[vm abcdefghijklmnopqrstuvwxyz0123456]", "abcdefghijklmnopqrstuvwxyz0123456", "longer than 32")]
        public void BadSectionHeadersRejectTheirSection(string header, string name, string message)
        {
            GuestConfigResult result = GuestConfigParser.Parse(header + "\nkernel = k\nmemory = 1M\n" + Good);
            Assert.Equal("good", Assert.Single(result.Vms).Name);
            Assert.Equal(1, result.RejectedVms);
            ConfigError error = Assert.Single(result.Errors);
            Assert.Equal((1, "section", name), (error.Line, error.Field, error.VmName));
            Assert.Contains(message, error.Message);
        }

        [Fact]
        public void AnInvalidHeaderDoesNotTakeTheName()
        {
            GuestConfigResult result = GuestConfigParser.Parse("[VM good]\nkernel = k\nmemory = 1M\n" + Good);
            Assert.Single(result.Vms);
            Assert.Single(result.Errors);
        }

        [Fact]
        public void KeysBeforeAnySectionAreIgnoredWithAnError()
        {
            GuestConfigResult result = GuestConfigParser.Parse("kernel = k\n" + Good);
            Assert.Single(result.Vms);
            Assert.Equal(0, result.RejectedVms);
            ConfigError error = Assert.Single(result.Errors);
            Assert.Null(error.VmName);
            Assert.Equal("line 1: kernel: is outside any [vm NAME] section; line ignored", error.Describe());
        }

        [Fact]
        public void SeveralErrorsInOneVmAreAllReported()
        {
            GuestConfigResult result = GuestConfigParser.Parse("[vm a]\nmemory = 1X\nvcpus = 0\nfoo = 1\n" + Good);
            Assert.Equal(new[] { 2, 3, 4, 1 }, result.Errors.Select(e => e.Line));
            Assert.Equal(1, result.RejectedVms);
            Assert.Equal("1 VMs configured, 1 rejected", result.Summary());
        }

        [Theory]
        [InlineData('\0')]
        [InlineData('\u0007')]
        [InlineData('\u00e9')]
        [InlineData('\u2028')]
        [InlineData('\r')]
        public void ControlAndNonAsciiCharactersRejectTheLine(char bad)
        {
            ConfigError error = RejectsOnlyTheBadVm("cmdline = a" + bad + "b");
            Assert.Equal("syntax", error.Field);
            Assert.Contains("column 12 holds", error.Message);
            Assert.Contains("printable ASCII", error.Message);
        }

        [Fact]
        public void MoreThanSixtyFourVmsRejectsTheRest()
        {
            var text = new System.Text.StringBuilder();
            for (int i = 0; i < GuestConfigLimits.MaxVms + 2; i++)
                text.Append("[vm v").Append(i).Append("]\nkernel = k\nmemory = 1M\n");
            GuestConfigResult result = GuestConfigParser.Parse(text.ToString());
            Assert.Equal(GuestConfigLimits.MaxVms, result.Vms.Length);
            Assert.Equal(2, result.RejectedVms);
            Assert.All(result.Errors, e => Assert.Contains("more than 64 vms", e.Message));
        }

        [Fact]
        public void AnOversizedFileIsRefusedWhole()
        {
            string text = Good + new string('#', GuestConfigLimits.MaxFileBytes);
            GuestConfigResult result = GuestConfigParser.Parse(text);
            Assert.Empty(result.Vms);
            ConfigError error = Assert.Single(result.Errors);
            Assert.Equal(0, error.Line);
            Assert.Equal("file: the file is larger than the limit of 65536 bytes; no VMs started", error.Describe());
        }

        [Fact]
        public void RandomBytesNeverThrow()
        {
            var random = new Random(1234);
            char[] alphabet = "[]=#vm kernel memory vcpus initrd cmdline 0123456789KMG,\n\r\t\0\u00ff".ToCharArray();
            for (int round = 0; round < 2000; round++)
            {
                char[] text = new char[random.Next(0, 300)];
                for (int i = 0; i < text.Length; i++)
                    text[i] = alphabet[random.Next(alphabet.Length)];
                GuestConfigResult result = GuestConfigParser.Parse(new string(text));
                Assert.All(result.Errors, e => Assert.False(string.IsNullOrEmpty(e.Describe())));
                Assert.All(result.Vms, vm => Assert.False(string.IsNullOrEmpty(vm.Describe())));
            }
        }
    }
}
