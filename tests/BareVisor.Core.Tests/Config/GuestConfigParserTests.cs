// Host test code. The configuration format as docs/boot-media.md describes it: valid files.
using BareVisor.Core.Config;

namespace BareVisor.Core.Tests.Config
{
    public class GuestConfigParserTests
    {
        private const string TwoVms = @"# Two guests
[vm web]
kernel  = guests/vmlinuz
initrd  = guests/initrd.img   # busybox
cmdline = console=ttyS0 root=/dev/ram0 quiet
memory  = 512M
vcpus   = 2

[vm tiny]
kernel = tiny.bin
memory = 4M
";

        [Fact]
        public void ReadsEveryKey()
        {
            GuestConfigResult result = GuestConfigParser.Parse(TwoVms);
            Assert.Empty(result.Errors);
            Assert.Equal(2, result.Vms.Length);
            VmConfig web = result.Vms[0];
            Assert.Equal("web", web.Name);
            Assert.Equal(2, web.Line);
            Assert.Equal("guests/vmlinuz", web.Kernel);
            Assert.Equal("guests/initrd.img", web.Initrd);
            Assert.Equal("console=ttyS0 root=/dev/ram0 quiet", web.CommandLine);
            Assert.Equal(512UL << 20, web.MemoryBytes);
            Assert.Equal(2, web.Vcpus);
        }

        [Fact]
        public void OptionalKeysHaveDefaults()
        {
            VmConfig tiny = GuestConfigParser.Parse(TwoVms).Find("tiny");
            Assert.Null(tiny.Initrd);
            Assert.Equal("", tiny.CommandLine);
            Assert.Equal(1, tiny.Vcpus);
            Assert.Equal(4UL << 20, tiny.MemoryBytes);
        }

        [Fact]
        public void SummaryAndVmLinesAreWhatTheKernelPrints()
        {
            GuestConfigResult result = GuestConfigParser.Parse(TwoVms);
            Assert.Equal("2 VMs configured, 0 rejected", result.Summary());
            Assert.Equal("vm web: kernel guests/vmlinuz, initrd guests/initrd.img, 512 MiB, 2 vCPUs", result.Vms[0].Describe());
            Assert.Equal("vm tiny: kernel tiny.bin, 4 MiB, 1 vCPUs", result.Vms[1].Describe());
        }

        [Theory]
        [InlineData("4K", 4UL << 10)]
        [InlineData("1024k", 1UL << 20)]
        [InlineData("1M", 1UL << 20)]
        [InlineData("1536m", 1536UL << 20)]
        [InlineData("2G", 2UL << 30)]
        [InlineData("1024g", 1UL << 40)]
        [InlineData("0001M", 1UL << 20)]
        public void SizesTakeBinaryUnits(string size, ulong bytes)
        {
            // 4K is below the minimum: only the unit arithmetic is checked for it.
            GuestConfigResult result = GuestConfigParser.Parse("[vm a]\nkernel = k\nmemory = " + size + "\n");
            if (bytes < GuestConfigLimits.MinMemoryBytes)
                Assert.Contains("below the minimum of 1M", Assert.Single(result.Errors).Message);
            else
                Assert.Equal(bytes, Assert.Single(result.Vms).MemoryBytes);
        }

        [Fact]
        public void CommentsAndBlankLinesAreIgnored()
        {
            const string text = "\n   # indented comment\n\t\n[vm a]   # trailing comment\nkernel = k # comment\nmemory = 1M\ncmdline = x#y  #comment\n";
            VmConfig vm = Assert.Single(GuestConfigParser.Parse(text).Vms);
            Assert.Equal("k", vm.Kernel);
            Assert.Equal("x#y", vm.CommandLine);
        }

        [Fact]
        public void CommandLineKeepsEqualsSignsAndMayBeEmpty()
        {
            GuestConfigResult result = GuestConfigParser.Parse("[vm a]\nkernel=k\nmemory=1M\ncmdline = a=b c==d\n[vm b]\nkernel=k\nmemory=1M\ncmdline =\n");
            Assert.Empty(result.Errors);
            Assert.Equal("a=b c==d", result.Vms[0].CommandLine);
            Assert.Equal("", result.Vms[1].CommandLine);
        }

        [Fact]
        public void WindowsLineEndingsAndByteOrderMarks()
        {
            Assert.Single(GuestConfigParser.Parse("\uFEFF[vm a]\r\nkernel = k\r\nmemory = 1M\r\n").Vms);
            // What the kernel sees: the file's bytes as Latin-1 characters.
            Assert.Single(GuestConfigParser.Parse("\u00EF\u00BB\u00BF[vm a]\nkernel = k\nmemory = 1M").Vms);
        }

        [Fact]
        public void EmptyAndNullTextHaveNoVms()
        {
            foreach (string text in new[] { null, "", "\n\n# nothing\n" })
            {
                GuestConfigResult result = GuestConfigParser.Parse(text);
                Assert.Empty(result.Vms);
                Assert.Empty(result.Errors);
                Assert.Equal("0 VMs configured, 0 rejected", result.Summary());
            }
        }

        [Fact]
        public void NamesMayUseLettersDigitsDashUnderscoreAndDot()
        {
            VmConfig vm = Assert.Single(GuestConfigParser.Parse("[vm  Web-01_a.b ]\nkernel=k\nmemory=1M\n").Vms);
            Assert.Equal("Web-01_a.b", vm.Name);
        }

        [Fact]
        public void SixtyFourVmsAreAllowed()
        {
            var text = new System.Text.StringBuilder();
            for (int i = 0; i < GuestConfigLimits.MaxVms; i++)
                text.Append("[vm v").Append(i).Append("]\nkernel = k\nmemory = 1M\n");
            Assert.Equal(GuestConfigLimits.MaxVms, GuestConfigParser.Parse(text.ToString()).Vms.Length);
        }
    }
}
