// Host side. The check for machines without VT-x (QEMU TCG): BareVisor says so, and why.
namespace BareVisor.IntegrationTests.Infrastructure;

public static class NoVtx
{
    public const string Prefix = "BareVisor: VT-x not available: ";

    public static void ReportedWithReason(KernelOutput output)
    {
        string reason = output.Line("^" + System.Text.RegularExpressions.Regex.Escape(Prefix) + "(.*)$").Groups[1].Value;
        output.Expect(reason.Trim().Length != 0, "the VT-x-not-available line gives no reason");
    }
}
