using System.ComponentModel.DataAnnotations;
using SdPortal.Inference.Batching;

namespace SdPortal.Tests.Batching;

public sealed class BatchingOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AndTheCpuRunsExactSizes()
    {
        var options = new BatchingOptions();

        Assert.Empty(Validate(options));
        Assert.Equal(3, options.BucketsFor("cpu").Choose(3));
        Assert.Equal(4, options.BucketsFor("cuda:0").Choose(3));
        Assert.Equal(4, new BatchingOptions { PadOnCpu = true }.BucketsFor("cpu").Choose(3));
    }

    [Theory]
    [InlineData("1,2,4,8")] // cannot hold a guided batch of 8
    [InlineData("0,16")]
    [InlineData("sixteen")]
    public void Validate_RejectsBucketsThatCannotServeEveryRequest(string buckets) =>
        Assert.Contains(Validate(new BatchingOptions { Buckets = buckets }), r => r.MemberNames.Contains(nameof(BatchingOptions.Buckets)));

    private static List<ValidationResult> Validate(BatchingOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
