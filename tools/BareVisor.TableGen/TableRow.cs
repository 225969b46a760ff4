// Host tool. One line of a hardware table: Name Value Text.
namespace BareVisor.TableGen
{
    /// <summary>
    /// A parsed table line. Section is the enclosing "[Section] text" header's name and SectionText
    /// its text (both empty when the table has no sections).
    /// </summary>
    public sealed record TableRow(string Section, string SectionText, string Name, uint Value, string Text, int Line);
}
