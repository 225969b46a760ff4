// Host side. KVM is used only where it can run VT-x guests; on hosts whose CPU has no vmx flag
// (the project's own machines) detection must say no, with the reason.
using System.IO;
using System.Linq;
using BareVisor.Emulators;
using Xunit;

namespace BareVisor.IntegrationTests.Harness;

public sealed class KvmSupportTests
{
    [Fact]
    public void HostsWithoutVmxAreNeverUsed()
    {
        bool vmx = File.ReadLines("/proc/cpuinfo").Any(l => l.StartsWith("flags") && l.Split(' ', '\t').Contains("vmx"));
        KvmSupport kvm = KvmSupport.Host;
        Assert.False(string.IsNullOrWhiteSpace(kvm.Reason));
        if (!vmx)
            Assert.False(kvm.Usable, kvm.Reason);
    }
}
