using Microsoft.ML.OnnxRuntime.Tensors;

namespace SdPortal.Tests.Synthetic;

[Collection(TinySyntheticSuite.Name)]
public sealed class SyntheticFp16Tests(TinySyntheticFolders folders)
{
    [Fact]
    public void Fp16Folder_DeclaresFloat16FloatInputsAndOutputs()
    {
        using var unet = new OnnxTestModel(Path.Combine(folders.Fp16, "unet", "model.onnx"));
        using var text = new OnnxTestModel(Path.Combine(folders.Fp16, "text_encoder", "model.onnx"));

        Assert.Equal(TensorElementType.Float16, unet.Inputs["sample"].ElementDataType);
        Assert.Equal(TensorElementType.Float16, unet.Inputs["encoder_hidden_states"].ElementDataType);
        Assert.Equal(TensorElementType.Int64, unet.Inputs["timestep"].ElementDataType);
        Assert.Equal(TensorElementType.Float16, unet.Outputs["out_sample"].ElementDataType);
        Assert.Equal(TensorElementType.Int32, text.Inputs["input_ids"].ElementDataType);
        Assert.Equal(TensorElementType.Float16, text.Outputs["last_hidden_state"].ElementDataType);
    }

    [Fact]
    public void Fp16Folder_RunsTextEncoderUNetAndVaeEndToEnd()
    {
        using var text = new OnnxTestModel(Path.Combine(folders.Fp16, "text_encoder", "model.onnx"));
        using var unet = new OnnxTestModel(Path.Combine(folders.Fp16, "unet", "model.onnx"));
        using var decoder = new OnnxTestModel(Path.Combine(folders.Fp16, "vae_decoder", "model.onnx"));
        using var encoder = new OnnxTestModel(Path.Combine(folders.Fp16, "vae_encoder", "model.onnx"));
        var (ids, idsShape) = TestInputs.Ids([], TestInputs.PhotoOfACat); // unconditional + conditional, as CFG batches them
        var (latent, latentShape) = TestInputs.Gaussian(5, 2, 4, 32, 32);

        var context = text.Run(("input_ids", ids, idsShape))["last_hidden_state"];
        var noise = unet.Run(
            ("sample", latent, latentShape),
            ("timestep", new long[] { 981, 981 }, [2]),
            ("encoder_hidden_states", context.Values, context.Shape))["out_sample"];
        var image = decoder.Run(("latent_sample", noise.Values, noise.Shape))["sample"];
        var roundTrip = encoder.Run(("sample", image.Values, image.Shape))["latent_sample"];

        Assert.True(context.AllFinite && noise.AllFinite && image.AllFinite && roundTrip.AllFinite);
        Assert.Equal([2, 4, 32, 32], noise.Shape);
        Assert.Equal([2, 3, 256, 256], image.Shape);
        Assert.Equal([2, 4, 32, 32], roundTrip.Shape);
        Assert.Equal(TensorElementType.Float16, image.ElementType);
    }

    [Fact]
    public void Fp16Folder_IsAboutHalfTheSizeOfFp32()
    {
        var fp16 = new FileInfo(Path.Combine(folders.Fp16, "unet", "model.onnx")).Length;
        var fp32 = new FileInfo(Path.Combine(folders.Fp32, "unet", "model.onnx")).Length;

        Assert.InRange((double)fp16 / fp32, 0.45, 0.6);
    }
}
