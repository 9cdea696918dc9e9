using Microsoft.ML.OnnxRuntime.Tensors;

namespace SdPortal.Tests.Synthetic;

[Collection(TinySyntheticSuite.Name)]
public sealed class SyntheticUNetTests(TinySyntheticFolders folders)
{
    [Theory]
    [InlineData(1, 32, 32)]
    [InlineData(2, 32, 32)]
    [InlineData(1, 24, 40)]
    [InlineData(2, 24, 40)]
    public void OutSample_HasTheSampleShapeAndFiniteValues(int batch, int height, int width)
    {
        using var model = new OnnxTestModel(Path.Combine(folders.Fp32, "unet", "model.onnx"));

        var outSample = Run(model, batch, height, width, timestep: 500);

        Assert.Equal([batch, 4, height, width], outSample.Shape);
        Assert.True(outSample.AllFinite);
        Assert.InRange(outSample.StandardDeviation, 1e-3f, 1e3f);
    }

    [Fact]
    public void Timestep_ChangesTheOutput()
    {
        using var model = new OnnxTestModel(Path.Combine(folders.Fp32, "unet", "model.onnx"));

        var early = Run(model, 1, 16, 16, timestep: 999).Values;
        var late = Run(model, 1, 16, 16, timestep: 1).Values;

        Assert.NotEqual(early, late);
    }

    [Fact]
    public void EncoderHiddenStates_ChangeTheOutput()
    {
        using var model = new OnnxTestModel(Path.Combine(folders.Fp32, "unet", "model.onnx"));

        var a = Run(model, 1, 16, 16, timestep: 500, contextSeed: 1).Values;
        var b = Run(model, 1, 16, 16, timestep: 500, contextSeed: 2).Values;

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Int64Timestep_IsOnePerSample()
    {
        using var model = new OnnxTestModel(Path.Combine(folders.Fp32, "unet", "model.onnx"));

        var timestep = model.Inputs["timestep"];

        Assert.Equal(TensorElementType.Int64, timestep.ElementDataType);
        Assert.Equal([-1], timestep.Dimensions);
        Assert.Equal("batch", timestep.SymbolicDimensions[0]);
    }

    [Fact]
    public void FloatScalarTimestep_IsBroadcastOverTheBatch()
    {
        using var model = new OnnxTestModel(Path.Combine(folders.FloatTimestep, "unet", "model.onnx"));
        var (sample, sampleShape) = TestInputs.Gaussian(1, 2, 4, 32, 32);
        var (context, contextShape) = TestInputs.Gaussian(2, 2, 77, 32);

        var outputs = model.Run(
            ("sample", sample, sampleShape),
            ("timestep", new float[] { 500 }, [1]),
            ("encoder_hidden_states", context, contextShape));

        Assert.Equal(TensorElementType.Float, model.Inputs["timestep"].ElementDataType);
        Assert.Equal([1], model.Inputs["timestep"].Dimensions);
        Assert.Equal([2, 4, 32, 32], outputs["out_sample"].Shape);
        Assert.True(outputs["out_sample"].AllFinite);
    }

    internal static TestTensor Run(OnnxTestModel model, int batch, int height, int width, long timestep, ulong contextSeed = 2)
    {
        var (sample, sampleShape) = TestInputs.Gaussian(1, batch, 4, height, width);
        var (context, contextShape) = TestInputs.Gaussian(contextSeed, batch, 77, 32);
        return model.Run(
            ("sample", sample, sampleShape),
            ("timestep", Enumerable.Repeat(timestep, batch).ToArray(), [batch]),
            ("encoder_hidden_states", context, contextShape))["out_sample"];
    }
}
