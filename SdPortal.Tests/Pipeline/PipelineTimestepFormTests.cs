using Microsoft.ML.OnnxRuntime.Tensors;
using SdPortal.Inference.Models;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Pipeline;

public sealed class PipelineInt64TimestepTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Open_ReadsInt64PerSampleTimestepFromTheGraph() =>
        Assert.Equal(new TimestepForm(TensorElementType.Int64, TimestepShape.PerSample), model.Model.UNetTimestep);
}

public sealed class PipelineFloatTimestepTests(TinyFloatTimestepModelFixture model) : IClassFixture<TinyFloatTimestepModelFixture>
{
    [Fact]
    public void Open_ReadsFloatBroadcastTimestepFromTheGraph() =>
        Assert.Equal(new TimestepForm(TensorElementType.Float, TimestepShape.Broadcast), model.Model.UNetTimestep);

    [Theory]
    [InlineData(1.0)]
    [InlineData(7.5)]
    public async Task Generate_WithFloatTimestep_ProducesReproducibleBatches(double guidance)
    {
        var request = TestRequests.Small(3) with { GuidanceScale = guidance, BatchSize = 2 };

        var first = await model.Pipeline.GenerateAsync(request);
        var second = await model.Pipeline.GenerateAsync(request);

        Assert.Equal(2, first.Images.Count);
        Assert.Equal(first.Images[1].Png, second.Images[1].Png);
    }
}

public sealed class PipelineFp16Tests(TinyFp16ModelFixture model) : IClassFixture<TinyFp16ModelFixture>
{
    [Fact]
    public void Open_ReadsFloat16BroadcastTimestepFromTheGraph() =>
        Assert.Equal(new TimestepForm(TensorElementType.Float16, TimestepShape.Broadcast), model.Model.UNetTimestep);

    [Fact]
    public async Task Generate_Fp16Model_ConvertsAtTheBoundaryAndMatchesSeedReproducibly()
    {
        var first = await model.Pipeline.GenerateAsync(TestRequests.Small(5));
        var second = await model.Pipeline.GenerateAsync(TestRequests.Small(5));
        var other = await model.Pipeline.GenerateAsync(TestRequests.Small(6));

        Assert.Equal((64, 64), PngInspection.Size(first.Images[0].Png));
        Assert.Equal(first.Images[0].Png, second.Images[0].Png);
        Assert.NotEqual(PngInspection.Pixels(first.Images[0].Png), PngInspection.Pixels(other.Images[0].Png));
    }
}
