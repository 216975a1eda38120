using System;
using Ally.Configuration;
using Xunit;

namespace Ally.Tests
{
    public class OllamaHostTests
    {
        // Expected values follow Ollama's envconfig.Host + ConnectableHost (protocols §1.1).
        [Theory]
        [InlineData(null, "http://127.0.0.1:11434/")]
        [InlineData("", "http://127.0.0.1:11434/")]
        [InlineData("   ", "http://127.0.0.1:11434/")]
        [InlineData("0.0.0.0", "http://127.0.0.1:11434/")]
        [InlineData("0.0.0.0:8080", "http://127.0.0.1:8080/")]
        [InlineData("localhost:1234", "http://localhost:1234/")]
        [InlineData("myhost", "http://myhost:11434/")]
        [InlineData("http://h", "http://h/")] // port 80: Uri drops the default port
        [InlineData("https://h", "https://h/")]
        [InlineData("http://h:5000", "http://h:5000/")]
        [InlineData("'http://h:1/p'", "http://h:1/p/")]
        [InlineData("\"http://h:1/p\"", "http://h:1/p/")]
        [InlineData("  http://h:1/p  ", "http://h:1/p/")]
        [InlineData("ollama.com", "https://ollama.com/")]
        [InlineData("https://proxy.example/ollama", "https://proxy.example/ollama/")]
        [InlineData("http://h:8080/a/b/", "http://h:8080/a/b/")]
        [InlineData("[::1]:4000", "http://[::1]:4000/")]
        [InlineData("::", "http://[::1]:11434/")]
        [InlineData("[::]:5000", "http://[::1]:5000/")]
        [InlineData("127.0.0.1", "http://127.0.0.1:11434/")]
        public void ParsesLikeOllama(string? value, string expected)
        {
            ParseResult<Uri> result = OllamaHost.Parse(value);
            Assert.Equal(expected, result.Value.AbsoluteUri);
            Assert.Null(result.Warning);
        }

        [Fact]
        public void InvalidPortFallsBackToTheDefaultWithAWarning()
        {
            ParseResult<Uri> result = OllamaHost.Parse("h:notaport");
            Assert.Equal("http://h:11434/", result.Value.AbsoluteUri);
            Assert.Contains("notaport", result.Warning);
            result = OllamaHost.Parse("http://h:99999");
            Assert.Equal(80, result.Value.Port);
            Assert.NotNull(result.Warning);
        }

        [Fact]
        public void RejectsSchemesOllamaCannotServe()
        {
            var settings = SettingsResolver.Create(environment: name => name == "OLLAMA_HOST" ? "ftp://h:21" : null);
            var ex = Assert.Throws<AllyException>(() => settings.Resolve(AllySettings.OllamaHost));
            Assert.Equal("InvalidOllamaHost", ex.ErrorId);
            Assert.Equal(AllyErrorCategory.InvalidArgument, ex.Category);
            Assert.Contains("OLLAMA_HOST", ex.Message);
        }
    }
}
