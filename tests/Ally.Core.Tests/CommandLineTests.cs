using Ally.Configuration;
using Xunit;

namespace Ally.Tests
{
    public class CommandLineTests
    {
        [Theory]
        [InlineData("-NonInteractive")]
        [InlineData("--NonInteractive")]
        [InlineData("--noninteractive")]
        [InlineData("-noni")]
        [InlineData("--noni")]
        [InlineData("-NONINTER")]
        public void RecognisesNonInteractive(string argument) =>
            Assert.True(CommandLine.IsNonInteractive(new[] { "/usr/bin/pwsh", "-NoProfile", argument, "-File", "x.ps1" }));

        [Theory]
        [InlineData("-non")]
        [InlineData("-NoProfile")]
        [InlineData("-NonInteractiveX")]
        [InlineData("---NonInteractive")]
        [InlineData("NonInteractive")]
        [InlineData("-")]
        [InlineData("")]
        public void IgnoresOtherArguments(string argument) =>
            Assert.False(CommandLine.IsNonInteractive(new[] { "/usr/bin/pwsh", argument }));
    }
}
