using Microsoft.ML.OnnxRuntime;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Pipeline;

/// <summary>Cancellation reaches into a running ONNX Runtime call through RunOptions.Terminate.</summary>
public sealed class PipelineCancellableRunTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Invoke_TokenCancelledAsTheRunStarts_TerminatesItWithOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        using var bindings = Bindings();

        var ex = Assert.Throws<OperationCanceledException>(() => CancellableRun.Invoke(
            bindings,
            (b, options) =>
            {
                cancellation.Cancel();
                model.Model.UNet.Run(options, b);
            },
            cancellation.Token));

        Assert.IsType<OnnxRuntimeException>(ex.InnerException);
        Assert.Equal(cancellation.Token, ex.CancellationToken);
    }

    [Fact]
    public void Invoke_TokenNotCancelled_RunsTheModel()
    {
        using var bindings = Bindings();
        var output = new float[bindings.NoisePrediction.Length];

        CancellableRun.Invoke(bindings, (b, options) => model.Model.UNet.Run(options, b), CancellationToken.None);

        bindings.NoisePrediction.Read(output);
        Assert.Contains(output, v => v != 0f);
        Assert.All(output, v => Assert.True(float.IsFinite(v)));
    }

    private UNetBindings Bindings()
    {
        var unet = model.Model.UNet;
        var bindings = new UNetBindings(unet, 1, 8, 8, 77, unet.EncoderHiddenStates.Dimensions[2]);
        bindings.Sample.Write(PipelineLatentsTests.SeedNoise(1, bindings.Sample.Length));
        bindings.Timestep.Fill(500);
        return bindings;
    }
}
