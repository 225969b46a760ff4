// Host test code. A test guest's boot-module command line: `guest name=<id> mode=... memory=...`.
using BareVisor.Core.Guests;

namespace BareVisor.Core.Tests.Guests
{
    public class GuestModuleSpecTests
    {
        private static GuestModuleSpec Parse(string commandLine, ulong imageSize = 512)
        {
            Assert.True(GuestModuleSpec.TryParse(commandLine, imageSize, out GuestModuleSpec spec, out string error), error);
            Assert.Null(error);
            return spec;
        }

        private static string Error(string commandLine, ulong imageSize = 512)
        {
            Assert.False(GuestModuleSpec.TryParse(commandLine, imageSize, out GuestModuleSpec spec, out string error));
            Assert.Null(spec);
            Assert.NotNull(error);
            return error;
        }

        [Theory]
        [InlineData("guest", true)]
        [InlineData("guest name=a", true)]
        [InlineData("guest  name=a mode=long", true)]
        [InlineData("guests name=a", false)]
        [InlineData("guest=1", false)]
        [InlineData("name=a guest", false)]
        [InlineData(" guest", false)]
        [InlineData("", false)]
        [InlineData(null, false)]
        [InlineData("/boot/initrd.img", false)]
        public void GuestModulesAreRecognisedByTheirFirstWord(string commandLine, bool expected) =>
            Assert.Equal(expected, GuestModuleSpec.IsGuestModule(commandLine));

        [Fact]
        public void TimeLimitIsInWholeSecondsAndOptional()
        {
            Assert.Equal(0UL, Parse("guest name=a").TimeLimitSeconds);
            Assert.Equal(5UL, Parse("guest name=a timelimit=5").TimeLimitSeconds);
            Assert.Equal(86400UL, Parse("guest name=a timelimit=86400").TimeLimitSeconds);
        }

        [Theory]
        [InlineData("0")]
        [InlineData("86401")]
        [InlineData("5s")]
        [InlineData("")]
        [InlineData("-1")]
        [InlineData("99999999999999999999999")]
        public void ABadTimeLimitIsRefusedWithTheRange(string value) =>
            Assert.Equal("timelimit must be a whole number of seconds from 1 to 86400", Error("guest name=a timelimit=" + value));

        [Fact]
        public void DefaultsAreRealModeSixteenMegabytesAt7C00()
        {
            GuestModuleSpec spec = Parse("guest name=hello");
            Assert.Equal("hello", spec.Name);
            Assert.Equal(GuestStartMode.Real, spec.Mode);
            Assert.Equal(16UL << 20, spec.MemoryBytes);
            Assert.Equal(0x7C00UL, spec.LoadAddress);
        }

        [Theory]
        [InlineData("real", GuestStartMode.Real, 0x7C00UL)]
        [InlineData("protected", GuestStartMode.Protected, 0x100000UL)]
        [InlineData("long", GuestStartMode.Long, 0x100000UL)]
        public void TheModeDecidesWhereTheImageLoads(string mode, GuestStartMode expected, ulong loadAddress)
        {
            GuestModuleSpec spec = Parse("guest name=g mode=" + mode);
            Assert.Equal(expected, spec.Mode);
            Assert.Equal(loadAddress, spec.LoadAddress);
        }

        [Theory]
        [InlineData("32M", 32UL << 20)]
        [InlineData("1G", 1UL << 30)]
        [InlineData("4096K", 4UL << 20)]
        [InlineData("1m", 1UL << 20)]
        public void MemoryTakesASizeWithAUnit(string memory, ulong bytes) =>
            Assert.Equal(bytes, Parse("guest name=g memory=" + memory).MemoryBytes);

        [Fact]
        public void QuotedValuesAndTheLastDuplicateWin()
        {
            Assert.Equal("two words", Parse("guest name=\"two words\"").Name);
            Assert.Equal("b", Parse("guest name=a name=b").Name);
        }

        [Fact]
        public void AnUnknownOptionIsNamed()
        {
            string error = Error("guest name=a colour=red");
            Assert.StartsWith("unknown option 'colour' (known: name, mode, memory", error);
        }

        [Theory]
        [InlineData("guest")]
        [InlineData("guest name=")]
        [InlineData("guest name mode=long")]
        [InlineData("guest mode=long")]
        public void ANameIsRequired(string commandLine) => Assert.Equal("missing name=<id>", Error(commandLine));

        [Theory]
        [InlineData("virtual")]
        [InlineData("Real")]
        [InlineData("")]
        [InlineData("64")]
        public void OnlyTheThreeModesAreAccepted(string mode) =>
            Assert.Equal("mode must be real, protected or long", Error("guest name=a mode=" + mode));

        [Theory]
        [InlineData("16", "'16' has no unit")]
        [InlineData("abc", "'abc' is not a size")]
        [InlineData("", "'' is not a size")]
        [InlineData("16T", "'16T' has an unknown unit")]
        [InlineData("512K", "'512K' is below the minimum")]
        [InlineData("2048G", "'2048G' is above the maximum")]
        [InlineData("1025K", "'1025K' is not a multiple of 4K")]
        public void BadMemorySizesSayWhatIsWrong(string memory, string start) =>
            Assert.StartsWith(start, Error("guest name=a memory=" + memory));

        [Fact]
        public void TheImageMustFitAboveItsLoadAddress()
        {
            const ulong realRoom = (1UL << 20) - 0x7C00;
            Parse("guest name=a memory=1M", realRoom);
            Assert.Equal("the image does not fit in the guest's memory above its load address", Error("guest name=a memory=1M", realRoom + 1));

            const ulong protectedRoom = (2UL << 20) - 0x100000;
            Parse("guest name=a mode=protected memory=2M", protectedRoom);
            Assert.Equal("the image does not fit in the guest's memory above its load address",
                Error("guest name=a mode=protected memory=2M", protectedRoom + 1));
            Assert.Equal("the image does not fit in the guest's memory above its load address",
                Error("guest name=a mode=long memory=1M", 1));
        }

        [Fact]
        public void AnEmptyImageFitsAnywhere() => Assert.Equal(0x100000UL, Parse("guest name=a mode=long memory=1M", 0).LoadAddress);
    }
}
