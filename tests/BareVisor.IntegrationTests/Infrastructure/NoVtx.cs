// Host side. The check for machines without VT-x (QEMU TCG): BareVisor says so, and why.
namespace BareVisor.IntegrationTests.Infrastructure;

public static class NoVtx
{
    public const string Prefix = "BareVisor: VT-x not available: ";

    /// <summary>
    /// What BareVisor must find on QEMU TCG's `-cpu max` (QemuLaunch): an AMD CPU with SVM and the
    /// hypervisor bit, and no VMX.
    /// </summary>
    public const string TcgReason =
        "CPU has no VMX (CPUID.1:ECX.VMX = 0); this is an AMD CPU (AMD SVM present); running under a hypervisor that does not expose VMX";

    public static void ReportedWithReason(KernelOutput output)
    {
        string reason = output.Line("^" + System.Text.RegularExpressions.Regex.Escape(Prefix) + "(.*)$").Groups[1].Value;
        output.Expect(reason == TcgReason, $"expected the reason \"{TcgReason}\", BareVisor gave \"{reason}\"");
    }
}
