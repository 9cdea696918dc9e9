using SdPortal.Inference.Memory;

namespace SdPortal.Tests.Memory;

/// <summary>
/// The estimate against measured peaks: VmHWM of <c>generate</c> in a fresh process per request, tiny model, CPU,
/// guided, shrinking arena (<c>memory-bench</c>, docs/benchmarks.md "Memory per request"). It must stay above each
/// measurement, by no more than a modest margin where the request's own memory dominates.
/// </summary>
public sealed class MemoryEstimatorTests
{
    /// <summary>The tiny synthetic model's architecture (<c>SyntheticModelConfig.Tiny</c>), with its 10.5 MB of weights.</summary>
    public static readonly ModelArchitecture TinyArchitecture = new(
        UNetChannels: [32, 64],
        UNetCrossAttention: [true, false],
        UNetHeads: [2, 2],
        VaeChannels: [16, 32, 32, 32],
        LatentChannels: 4,
        ElementBytes: 4,
        WeightBytes: 10_486_428);

    [Theory]
    [InlineData(64, 1, 139_952_128)]
    [InlineData(256, 1, 202_100_736)]
    [InlineData(256, 4, 434_085_888)]
    [InlineData(384, 4, 1_605_218_304)]
    [InlineData(512, 1, 1_276_841_984)]
    [InlineData(512, 2, 2_427_867_136)]
    [InlineData(512, 4, 4_727_013_376)]
    [InlineData(640, 4, 11_267_301_376)]
    [InlineData(768, 1, 5_882_142_720)]
    [InlineData(768, 2, 11_638_427_648)]
    public void Estimate_IsAnUpperBoundOfTheMeasuredPeakWithAModestMargin(int side, int batch, long measuredPeak)
    {
        var estimate = MemoryEstimator.Estimate(TinyArchitecture, side, side, batch, guided: true).PeakBytes;

        Assert.True(estimate >= measuredPeak, $"{side}² × {batch}: estimate {estimate} under the measured {measuredPeak}");
        // A fixed allowance for the runtime constant, which dominates small requests, plus a quarter of the measurement.
        Assert.True(estimate <= (measuredPeak * 1.25) + (100L << 20), $"{side}² × {batch}: estimate {estimate} far over the measured {measuredPeak}");
    }

    [Fact]
    public void Estimate_GrowsWithTheFourthPowerOfTheSideOnceAttentionDominates()
    {
        var at768 = MemoryEstimator.Estimate(TinyArchitecture, 768, 768, 1, guided: true);
        var at1536 = MemoryEstimator.Estimate(TinyArchitecture, 1536, 1536, 1, guided: true);

        Assert.InRange((double)at1536.Denoising / at768.Denoising, 15, 16.5);
    }

    [Fact]
    public void Estimate_DecodesOneImageAtATime_SoTheDecoderPartIgnoresTheBatch()
    {
        var one = MemoryEstimator.Estimate(TinyArchitecture, 512, 512, 1, guided: true);
        var four = MemoryEstimator.Estimate(TinyArchitecture, 512, 512, 4, guided: true);

        Assert.Equal(one.Decoding, four.Decoding);
        Assert.True(four.Denoising > 3.9 * one.Denoising);
    }
}
