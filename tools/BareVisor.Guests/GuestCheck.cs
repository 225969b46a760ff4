// Host side. What a guest program announced it will report, so the host side can verify that
// every check reported a verdict.
namespace BareVisor.Guests;

public enum GuestCheckKind
{
    /// <summary>Prints PASS or FAIL.</summary>
    Check,

    /// <summary>Prints PASS or FAIL when the feature it needs is there, SKIP otherwise.</summary>
    CheckOrSkip,

    /// <summary>Always prints SKIP.</summary>
    Skip,

    /// <summary>BareVisor is expected to stop the guest here; prints FAIL only if it goes on.</summary>
    ExpectStop,
}

/// <param name="Name">The name on its PASS/FAIL/SKIP line.</param>
/// <param name="Detail">The FAIL detail, the SKIP reason, or the expected stop reason.</param>
public sealed record GuestCheck(string Name, GuestCheckKind Kind, string Detail)
{
    /// <summary>True when a PASS line is required (SKIP is not acceptable).</summary>
    public bool MustPass => Kind == GuestCheckKind.Check;
}
