// Host test code. The naming convention that ties a configuration's paths to boot modules.
using BareVisor.Core.Boot;
using BareVisor.Core.Config;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Tests.Config
{
    public class BootModuleNamesTests
    {
        [Theory]
        [InlineData("config", "config")]                                  // GRUB: module2 /boot/vms.conf config
        [InlineData("/tmp/run/vms.conf config", "config")]                // QEMU: -initrd "vms.conf config"
        [InlineData("tftp://10.0.2.2/vms.conf config", "config")]         // iPXE: module vms.conf config
        [InlineData("tftp://10.0.2.2/guests/k guests/k \t", "guests/k")]
        [InlineData("/boot/vms.conf", "/boot/vms.conf")]
        [InlineData("", "")]
        [InlineData("   ", "")]
        [InlineData(null, "")]
        public void TheNameIsTheLastWord(string commandLine, string name) =>
            Assert.Equal(name, BootModuleNames.NameOf(commandLine));

        [Fact]
        public void FindsModulesByName()
        {
            BootModule[] modules =
            {
                Module("tftp://10.0.2.2/guests/k guests/k"),
                Module("vms.conf config"),
                Module("config"),
            };
            Assert.Equal(1, BootModuleNames.IndexOf(modules, BootModuleNames.Config));
            Assert.Equal(2, BootModuleNames.Count(modules, BootModuleNames.Config));
            Assert.Equal(0, BootModuleNames.IndexOf(modules, "guests/k"));
            Assert.Equal(-1, BootModuleNames.IndexOf(modules, "k"));
            Assert.Equal(-1, BootModuleNames.IndexOf(null, "k"));
        }

        private static BootModule Module(string commandLine) =>
            new BootModule(new PhysicalRange(new HostPhysical(0x100000), new HostPhysical(0x101000)), commandLine);
    }
}
