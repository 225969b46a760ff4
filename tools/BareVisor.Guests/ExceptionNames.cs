// Host side. Mnemonics of the architectural exception vectors, for readable FAIL lines.
namespace BareVisor.Guests;

public static class ExceptionNames
{
    public const int DivideError = 0;
    public const int Breakpoint = 3;
    public const int InvalidOpcode = 6;
    public const int DoubleFault = 8;
    public const int GeneralProtection = 13;
    public const int PageFault = 14;

    private static readonly string[] Names =
    [
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "vector 9", "#TS", "#NP", "#SS", "#GP",
        "#PF", "vector 15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
    ];

    public static string Mnemonic(int vector) =>
        vector >= 0 && vector < Names.Length ? Names[vector] : $"vector {vector}";

    /// <summary>"#GP (vector 13)".</summary>
    public static string Describe(int vector) => $"{Mnemonic(vector)} (vector {vector})";
}
