// Host test code.
using BareVisor.Core.Boot;

namespace BareVisor.Core.Tests.Boot
{
    public class CommandLineTests
    {
        [Fact]
        public void KeysValuesAndBareKeys()
        {
            CommandLine c = CommandLine.Parse("  console=serial  debug   mem=512M\t");
            Assert.Equal("serial", c.Get("console"));
            Assert.Equal("", c.Get("debug"));
            Assert.Equal("512M", c.Get("mem"));
            Assert.Null(c.Get("missing"));
            Assert.True(c.Has("debug"));
            Assert.False(c.Has("missing"));
            Assert.Equal(new[] { "console", "debug", "mem" }, c.Keys);
        }

        [Fact]
        public void QuotedValuesKeepSpacesAndEquals()
        {
            CommandLine c = CommandLine.Parse("guest=\"linux root=/dev/sda quiet\" label=\"a b\"c x=");
            Assert.Equal("linux root=/dev/sda quiet", c.Get("guest"));
            Assert.Equal("a bc", c.Get("label"));
            Assert.Equal("", c.Get("x"));
        }

        [Fact]
        public void LastValueWinsAndKeysAreDistinct()
        {
            CommandLine c = CommandLine.Parse("log=1 log=2 a==b");
            Assert.Equal("2", c.Get("log"));
            Assert.Equal("=b", c.Get("a"));
            Assert.Equal(new[] { "log", "a" }, c.Keys);
        }

        [Fact]
        public void EmptyAndNullText()
        {
            Assert.Empty(CommandLine.Parse("").Keys);
            Assert.Empty(CommandLine.Parse(null).Keys);
            Assert.Empty(CommandLine.Parse("    ").Keys);
        }

        [Fact]
        public void UnterminatedQuoteRunsToTheEnd()
        {
            CommandLine c = CommandLine.Parse("a=\"x y");
            Assert.Equal("x y", c.Get("a"));
        }

        [Fact]
        public void UnknownListsKeysNotInTheKnownSet()
        {
            CommandLine c = CommandLine.Parse("console=serial debgu=1 mem=1G");
            Assert.Equal(new[] { "debgu" }, c.Unknown(new[] { "console", "mem", "debug" }));
        }
    }
}
