using System;
using Xunit;

namespace Ally.Tests
{
    public class ModelFormatTests
    {
        [Theory]
        [InlineData(0, "0 B")]
        [InlineData(512, "512 B")]
        [InlineData(4920753328, "4.9 GB")]
        [InlineData(2019393189, "2.0 GB")]
        [InlineData(274302450, "274 MB")]
        [InlineData(42520413916, "42 GB")]
        [InlineData(1500, "1.5 KB")]
        [InlineData(9999, "9.9 KB")]
        public void BytesReadAsOllamaShowsThem(long bytes, string expected) => Assert.Equal(expected, ModelFormat.Bytes(bytes));

        [Fact]
        public void TransferShowsTheTotalOnlyWhenKnown()
        {
            Assert.Equal("822 MB of 4.1 GB", ModelFormat.Transfer(822_000_000, 4_113_301_824));
            Assert.Equal("822 MB", ModelFormat.Transfer(822_000_000, null));
        }

        [Theory]
        [InlineData(5137025024, 5137025024, "100% GPU")]
        [InlineData(5137025024, 0, "100% CPU")]
        [InlineData(1000, 750, "25%/75% CPU/GPU")]
        public void ProcessorAsOllamaPsShowsIt(long size, long vram, string expected) => Assert.Equal(expected, ModelFormat.Processor(size, vram));

        [Fact]
        public void UntilIsRelativeAndKnowsForever()
        {
            var now = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
            Assert.Equal("4 minutes from now", ModelFormat.Until(now.AddMinutes(4).AddSeconds(30), now));
            Assert.Equal("1 hour from now", ModelFormat.Until(now.AddMinutes(61), now));
            Assert.Equal("30 seconds from now", ModelFormat.Until(now.AddSeconds(30), now));
            Assert.Equal("Forever", ModelFormat.Until(now.AddYears(290), now));
            Assert.Equal("Stopping...", ModelFormat.Until(now.AddSeconds(-1), now));
            Assert.Equal(string.Empty, ModelFormat.Until(null, now));
        }

        [Theory]
        [InlineData("0.00003", "30")]
        [InlineData("0.0000025", "2.5")]
        [InlineData("0.00000025", "0.25")]
        [InlineData("0", "0")]
        [InlineData("2.5e-6", "2.5")]
        public void OpenRouterPricesPerTokenBecomePerMillion(string perToken, string perMillion) =>
            Assert.Equal(decimal.Parse(perMillion, System.Globalization.CultureInfo.InvariantCulture), ModelFormat.PerMillionTokens(perToken));

        [Theory]
        [InlineData("-1")]
        [InlineData("")]
        [InlineData(null)]
        [InlineData("n/a")]
        public void VariableOrMissingPricesAreUnknown(string? perToken) => Assert.Null(ModelFormat.PerMillionTokens(perToken));

        [Fact]
        public void PerMillionPricesPrintAsTheyRead()
        {
            Assert.Equal("30", ModelFormat.PerMillionTokens("0.00003")!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("$30", ModelFormat.Price(30m));
            Assert.Equal("$2.50", ModelFormat.Price(2.5m));
            Assert.Equal("$0.25", ModelFormat.Price(0.25m));
            Assert.Equal("$0.075", ModelFormat.Price(0.075m));
            Assert.Equal("free", ModelFormat.Price(0m));
            Assert.Equal("variable", ModelFormat.Price(null));
        }

        [Fact]
        public void TokensUseThousandSeparators()
        {
            Assert.Equal("131,072", ModelFormat.Tokens(131072));
            Assert.Equal(string.Empty, ModelFormat.Tokens(null));
        }

        [Theory]
        [InlineData("2025-05-04T17:37:44.706015396-07:00", 2025, 5, 5, 0, 37, 44)]
        [InlineData("2024-06-04T14:38:31.83753-07:00", 2024, 6, 4, 21, 38, 31)]
        [InlineData("2025-03-14T11:48:26Z", 2025, 3, 14, 11, 48, 26)]
        public void GoTimesParseWithNanoseconds(string text, int y, int mo, int d, int h, int mi, int s)
        {
            DateTimeOffset? value = JsonFields.ParseTime(text);
            Assert.NotNull(value);
            DateTime utc = value!.Value.UtcDateTime;
            Assert.Equal(new DateTime(y, mo, d, h, mi, s), new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, utc.Second));
        }

        [Theory]
        [InlineData("llama3.1", "llama3.1:latest", true)]
        [InlineData("llama3.1:latest", "LLAMA3.1", true)]
        [InlineData("llama3.1:70b", "llama3.1", false)]
        [InlineData("registry.local:5000/team/model", "registry.local:5000/team/model:latest", true)]
        public void ModelNamesCompareWithTheDefaultTag(string a, string b, bool same) => Assert.Equal(same, ModelNames.SameModel(a, b));

        [Fact]
        public void ShortNamesDropOnlyLatest()
        {
            Assert.Equal("llama3.1", ModelNames.ShortName("llama3.1:latest"));
            Assert.Equal("llama3.1:70b", ModelNames.ShortName("llama3.1:70b"));
        }
    }
}
