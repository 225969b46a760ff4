// Host side. The terminal view of BareVisor.Run drops a shell's cursor-position queries, however
// the serial output is cut into pieces, and passes every other escape and character.
using BareVisor.Emulators;
using Xunit;

namespace BareVisor.IntegrationTests.Harness;

public sealed class TerminalQueryFilterTests
{
    [Fact]
    public void CursorPositionQueriesAreDropped()
    {
        var filter = new TerminalQueryFilter();
        Assert.Equal("guest# ls\r\nbin\r\nguest# ", filter.Filter("guest# \x1b[6nls\r\nbin\r\nguest# \x1b[6n"));
    }

    [Fact]
    public void AQuerySplitBetweenPiecesIsDroppedToo()
    {
        var filter = new TerminalQueryFilter();
        Assert.Equal("guest# ", filter.Filter("guest# \x1b["));
        Assert.Equal("", filter.Filter("6"));
        Assert.Equal("ls", filter.Filter("nls"));
    }

    [Fact]
    public void OtherEscapesPassOnceTheyDifferFromAQuery()
    {
        var filter = new TerminalQueryFilter();
        Assert.Equal("\x1b[H\x1b[J", filter.Filter("\x1b[H\x1b[J\x1b"));
        Assert.Equal("\x1b[1;1HBareVisor", filter.Filter("[1;1HBareVisor"));
        Assert.Equal("", filter.Filter("\x1b[6"));
        Assert.Equal("\x1b[65m", filter.Filter("5m"));
    }
}
