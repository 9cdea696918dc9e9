using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Pipeline;

/// <summary>An fp16 export of the same weights gives nearly the same image as the fp32 one.</summary>
public sealed class PipelinePrecisionTests(TinyModelFixture fp32, TinyFp16ModelFixture fp16)
    : IClassFixture<TinyModelFixture>, IClassFixture<TinyFp16ModelFixture>
{
    [Fact]
    public async Task Generate_Fp16AndFp32Models_GiveNearlyTheSameImage()
    {
        var single = PngInspection.Pixels((await fp32.Pipeline.GenerateAsync(TestRequests.Small(8))).Images[0].Png);
        var half = PngInspection.Pixels((await fp16.Pipeline.GenerateAsync(TestRequests.Small(8))).Images[0].Png);
        var otherSeed = PngInspection.Pixels((await fp32.Pipeline.GenerateAsync(TestRequests.Small(9))).Images[0].Png);

        var precisionGap = MeanAbsoluteDifference(single, half);
        var seedGap = MeanAbsoluteDifference(single, otherSeed);
        Assert.True(precisionGap < 1.0 && precisionGap < seedGap / 20, $"fp16 differs by {precisionGap:F2} levels, another seed by {seedGap:F2}");
    }

    private static double MeanAbsoluteDifference(byte[] a, byte[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Average();
}
