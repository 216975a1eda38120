using Xunit;

namespace Ally.Tests
{
    public class PullProgressTests
    {
        private const string A = "sha256:6a0746a1ec1aef3e7ec53868f220ff6e389f6f8ef87a01d77c96807de94ca2aa";
        private const string B = "sha256:4fa551d4f938f68b8c1e6afa9d28befb70e3f33f75d0753248d530364aeea40f";

        [Fact]
        public void KeepsOneEntryPerLayerAcrossInterleavedLines()
        {
            var progress = new PullProgress("llama3.2");
            Assert.Null(progress.Apply(new PullStatus("pulling manifest")));
            Assert.Equal("pulling manifest", progress.Describe());

            PullLayer a = progress.Apply(new PullStatus("pulling 6a0746a1ec1a", A, total: 2000))!;
            PullLayer b = progress.Apply(new PullStatus("pulling 4fa551d4f938", B, total: 100))!;
            progress.Apply(new PullStatus("pulling 6a0746a1ec1a", A, total: 2000, completed: 500));
            progress.Apply(new PullStatus("pulling 4fa551d4f938", B, total: 100, completed: 100));

            Assert.Equal(2, progress.Layers.Count);
            Assert.Equal(1, a.Index);
            Assert.Equal("6a0746a1ec1a", a.ShortDigest);
            Assert.Equal(25, a.Percent);
            Assert.True(b.IsComplete);
            Assert.Equal(600, progress.CompletedBytes);
            Assert.Equal(2100, progress.TotalBytes);
            Assert.Equal(28, progress.Percent);
            Assert.Equal("1 of 2 layers, 600 B of 2.1 KB", progress.Describe());
        }

        [Fact]
        public void AFirstLineWithoutCompletedIsZeroNotAHundredPercent()
        {
            var progress = new PullProgress("m");
            PullLayer layer = progress.Apply(new PullStatus("pulling 6a0746a1ec1a", A, total: 2000, completed: 0))!;
            Assert.Equal(0, layer.Completed);
            Assert.Equal(0, layer.Percent);
            Assert.False(layer.IsComplete);
        }

        [Fact]
        public void WithoutATotalThereIsNoPercent()
        {
            var progress = new PullProgress("m");
            PullLayer layer = progress.Apply(new PullStatus("pulling 6a0746a1ec1a", A, completed: 1500))!;
            Assert.Null(layer.Total);
            Assert.Null(layer.Percent);
            Assert.Null(progress.TotalBytes);
            Assert.Null(progress.Percent);
            Assert.Equal("1.5 KB", layer.Describe());
        }

        [Fact]
        public void ProgressNeverGoesBackwards()
        {
            var progress = new PullProgress("m");
            progress.Apply(new PullStatus("pulling", A, 2000, 1500));
            PullLayer layer = progress.Apply(new PullStatus("pulling", A, 2000, 1000))!;
            Assert.Equal(1500, layer.Completed);
        }

        [Fact]
        public void AResumedLayerStartsWithTheBytesAlreadyThere()
        {
            var progress = new PullProgress("m");
            PullLayer layer = progress.Apply(new PullStatus("pulling", A, 2000, 800))!;
            Assert.Equal(40, layer.Percent);
        }

        [Fact]
        public void StepsAfterTheLayersAreShownAndSuccessIsRecognised()
        {
            var progress = new PullProgress("m");
            progress.Apply(new PullStatus("pulling", A, 10, 10));
            progress.Apply(new PullStatus("verifying sha256 digest"));
            Assert.Equal("verifying sha256 digest", progress.Describe());
            Assert.False(progress.Succeeded);
            progress.Apply(new PullStatus("success"));
            Assert.True(progress.Succeeded);
        }

        [Fact]
        public void OmittedNumbersAreUnknown()
        {
            var status = new PullStatus("pulling manifest", "", 0, 0);
            Assert.Null(status.Digest);
            Assert.Null(status.Total);
            Assert.Null(status.Completed);
        }
    }
}
