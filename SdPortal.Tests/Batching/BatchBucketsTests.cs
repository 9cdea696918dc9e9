using SdPortal.Inference.Batching;

namespace SdPortal.Tests.Batching;

public sealed class BatchBucketsTests
{
    private readonly BatchBuckets _buckets = BatchBuckets.Parse("1, 2,4,8,16,32");

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 8)]
    [InlineData(9, 16)]
    [InlineData(32, 32)]
    [InlineData(40, 40)] // above the largest: the call's own size
    public void Choose_PadsToTheSmallestBucketThatHolds(int samples, int bucket) => Assert.Equal(bucket, _buckets.Choose(samples));

    [Theory]
    [InlineData(32, 16)]
    [InlineData(9, 8)]
    [InlineData(2, 1)]
    [InlineData(1, 1)]
    public void Below_IsTheNextSmallerBucket(int samples, int below) => Assert.Equal(below, _buckets.Below(samples));

    [Fact]
    public void Exact_HasEverySizeSoNothingIsPadded()
    {
        var exact = BatchBuckets.Exact(32);

        Assert.All(Enumerable.Range(1, 32), n => Assert.Equal(n, exact.Choose(n)));
        Assert.Equal(32, exact.Largest);
    }

    [Fact]
    public void Constructor_SortsAndRemovesRepeats() => Assert.Equal([1, 4, 8], new BatchBuckets([8, 1, 4, 8]).Sizes);

    [Theory]
    [InlineData("")]
    [InlineData("0,2")]
    [InlineData("2,x")]
    [InlineData("-1")]
    public void Parse_RejectsWhatIsNotAListOfPositiveSizes(string text) => Assert.Throws<FormatException>(() => BatchBuckets.Parse(text));
}
