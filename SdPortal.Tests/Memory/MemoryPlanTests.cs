using SdPortal.Inference.Memory;
using SdPortal.Inference.Pipeline;
using SdPortal.Inference.Synthetic;

namespace SdPortal.Tests.Memory;

/// <summary>The verdict from the estimates: the whole batch, passes of fewer images, or a refusal naming what fits.</summary>
public sealed class MemoryPlanTests
{
    private static readonly ModelArchitecture Tiny = MemoryEstimatorTests.TinyArchitecture;

    [Fact]
    public void For_BatchThatFits_RunsInOnePass()
    {
        var request = Request(256, 4);

        var verdict = MemoryPlan.For(Tiny, request, MemoryEstimator.Estimate(Tiny, 256, 256, 4, guided: true).PeakBytes);

        Assert.Equal(4, verdict.ImagesPerPass);
        Assert.False(verdict.Refused);
    }

    [Fact]
    public void For_BatchOverTheBudget_RunsTheLargestPassThatFits()
    {
        var two = MemoryEstimator.Estimate(Tiny, 512, 512, 2, guided: true).PeakBytes;

        var verdict = MemoryPlan.For(Tiny, Request(512, 4), two);

        Assert.Equal(2, verdict.ImagesPerPass);
        Assert.True(verdict.RequestedPeakBytes > two);
    }

    [Fact]
    public void For_ImageOverTheBudgetAlone_IsRefusedOnItsLongerSideWithWhatFits()
    {
        var budget = MemoryEstimator.Estimate(Tiny, 512, 512, 1, guided: true).PeakBytes;

        var verdict = MemoryPlan.For(Tiny, Request(768, 4) with { Height = 512 }, budget);

        Assert.True(verdict.Refused);
        Assert.Equal("width", verdict.Field);
        Assert.Contains("768×512 needs about", verdict.Message, StringComparison.Ordinal);
        Assert.Contains($"this server allows {MemoryPlan.Gigabytes(budget)} per job", verdict.Message, StringComparison.Ordinal);
        Assert.Contains("use at most 512×512", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void For_UnguidedRequest_NeedsLessThanGuided()
    {
        var guided = MemoryPlan.For(Tiny, Request(512, 1), long.MaxValue).RequestedPeakBytes;
        var unguided = MemoryPlan.For(Tiny, Request(512, 1) with { GuidanceScale = 1 }, long.MaxValue).RequestedPeakBytes;

        Assert.True(unguided < guided);
    }

    [Fact]
    public void Architecture_ReadFromTheSyntheticFolder_IsTheTinyConfig()
    {
        var directory = Path.Combine(Path.GetTempPath(), "sdportal-tests", $"arch-{Guid.NewGuid():N}");
        SyntheticModelFolder.Write(SyntheticModelConfig.Tiny, directory, new SyntheticWriteOptions { IncludeVaeEncoder = false });
        try
        {
            var read = ModelArchitecture.Read(directory);

            Assert.Equal(Tiny.UNetChannels, read.UNetChannels);
            Assert.Equal(Tiny.UNetCrossAttention, read.UNetCrossAttention);
            Assert.Equal(Tiny.UNetHeads, read.UNetHeads);
            Assert.Equal(Tiny.VaeChannels, read.VaeChannels);
            Assert.Equal((4, 4), (read.LatentChannels, read.ElementBytes));
            Assert.InRange(read.WeightBytes, 1L << 20, 64L << 20);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static GenerationSpec Request(int side, int batch) =>
        new() { Prompt = "a cat", Width = side, Height = side, BatchSize = batch };
}
