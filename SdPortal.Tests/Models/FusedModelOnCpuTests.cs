using SdPortal.Inference.Models;
using SdPortal.Inference.Synthetic;

namespace SdPortal.Tests.Models;

/// <summary>
/// A fused model (com.microsoft GroupNorm/NhwcConv…, CUDA-only kernels) opened on the CPU provider must fail as a
/// <see cref="ModelLoadException"/> that names the file and the operator and says to use a CUDA device, not as ONNX
/// Runtime's raw "Could not find an implementation" error or a crash.
/// </summary>
public sealed class FusedModelOnCpuTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sdportal-fused-cpu-").FullName;

    [Fact]
    public void Open_FusedFolderOnTheCpu_SaysWhichOperatorNeedsCuda()
    {
        SyntheticModelFolder.Write(SyntheticModelConfig.Tiny, _dir, new SyntheticWriteOptions { Form = SyntheticForm.Fused });

        var ex = Assert.Throws<ModelLoadException>(() => StableDiffusionModelFolder.Open(_dir, InferenceDevice.Cpu));

        // The text encoder (merged-QKV Attention has a CPU kernel) opens; the UNet is the first file the CPU cannot run.
        Assert.Equal(Path.Combine(_dir, "unet", "model.onnx"), ex.FilePath);
        Assert.Matches(@"^uses the operator (NhwcConv|GroupNorm|SkipGroupNorm|BiasSplitGelu|BiasAdd) \(node '\w+'\)", ex.Reason);
        Assert.Contains("CUDA provider only", ex.Reason, StringComparison.Ordinal);
        Assert.Contains("plain form on the CPU", ex.Reason, StringComparison.Ordinal);
        Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(ex.InnerException);
    }

    [Fact]
    public void MissingKernel_ReadsTheOperatorFromOrtsMessageAndIgnoresOtherErrors()
    {
        var described = MissingKernel.Describe(
            "[ErrorCode:NotImplemented] Could not find an implementation for GroupNorm(1) node with name 'GroupNorm_12'");

        Assert.NotNull(described);
        Assert.StartsWith("uses the operator GroupNorm (node 'GroupNorm_12')", described, StringComparison.Ordinal);
        Assert.Null(MissingKernel.Describe("[ErrorCode:InvalidProtobuf] Load model from x failed: Protobuf parsing failed."));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
