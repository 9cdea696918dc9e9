using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;
using SdPortal.Inference.Synthetic;

namespace SdPortal.Tests.Pipeline.Support;

/// <summary>
/// Writes the tiny synthetic model once per test class into a temporary folder, opens it on the CPU and deletes it
/// afterwards. Subclasses choose the variant (timestep form, precision).
/// </summary>
public abstract class SyntheticModelFixture : IDisposable
{
    protected SyntheticModelFixture(SyntheticWriteOptions options, long adapterBudgetBytes = 0)
    {
        Directory = Path.Combine(Path.GetTempPath(), "sdportal-tests", $"{GetType().Name}-{Guid.NewGuid():N}");
        SyntheticModelFolder.Write(SyntheticModelConfig.Tiny, Directory, options);
        Model = StableDiffusionModelFolder.Open(Directory, InferenceDevice.Cpu, adapterBudgetBytes: adapterBudgetBytes);
        Pipeline = new StableDiffusionPipeline(Model, new StableDiffusionPipelineOptions { PreviewInterval = 1 });
    }

    /// <summary>The model folder on disk.</summary>
    public string Directory { get; }

    /// <summary>The opened model.</summary>
    public StableDiffusionModelFolder Model { get; }

    /// <summary>A pipeline over <see cref="Model"/> that attaches a preview to every progress report.</summary>
    public StableDiffusionPipeline Pipeline { get; }

    public void Dispose()
    {
        Model.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>The tiny model as the synth writer makes it by default: fp32, int64 timestep per sample.</summary>
public sealed class TinyModelFixture() : SyntheticModelFixture(WriteOptions)
{
    /// <summary>The options this fixture writes with; variants derive from them.</summary>
    public static SyntheticWriteOptions WriteOptions { get; } = new() { Seed = 7, IncludeVaeEncoder = false };
}

/// <summary>The tiny model with a float [1] timestep, as older diffusers exports take it.</summary>
public sealed class TinyFloatTimestepModelFixture()
    : SyntheticModelFixture(TinyModelFixture.WriteOptions with { Timestep = TimestepKind.FloatScalar });

/// <summary>The tiny model in fp16 (float16 I/O, float16 [1] timestep).</summary>
public sealed class TinyFp16ModelFixture()
    : SyntheticModelFixture(TinyModelFixture.WriteOptions with
    {
        Precision = SyntheticPrecision.Fp16,
        Timestep = TimestepKind.FloatScalar,
    });

/// <summary>The tiny model with a VAE encoder that samples inside the graph (RandomNormalLike), as diffusers exports it.</summary>
public sealed class TinyImageModelFixture()
    : SyntheticModelFixture(TinyModelFixture.WriteOptions with { IncludeVaeEncoder = true });

/// <summary>The tiny model whose VAE encoder gives both moments (Optimum's <c>latent_parameters</c>).</summary>
public sealed class TinyMomentsEncoderModelFixture()
    : SyntheticModelFixture(TinyModelFixture.WriteOptions with { IncludeVaeEncoder = true, VaeEncoderOutput = VaeEncoderOutput.Moments });

/// <summary>The tiny model whose VAE encoder gives the distribution's mean (no sampling).</summary>
public sealed class TinyMeanEncoderModelFixture()
    : SyntheticModelFixture(TinyModelFixture.WriteOptions with { IncludeVaeEncoder = true, VaeEncoderOutput = VaeEncoderOutput.Mean });

/// <summary>The tiny model with a 9-channel inpainting UNet (latents, mask, masked-image latents).</summary>
public sealed class TinyInpaintingModelFixture()
    : SyntheticModelFixture(TinyModelFixture.WriteOptions with { IncludeVaeEncoder = true, InpaintingUNet = true });

/// <summary>The tiny model in fp16 with its sampling VAE encoder (float16 image input and noise).</summary>
public sealed class TinyFp16ImageModelFixture()
    : SyntheticModelFixture(TinyModelFixture.WriteOptions with
    {
        Precision = SyntheticPrecision.Fp16,
        Timestep = TimestepKind.FloatScalar,
        IncludeVaeEncoder = true,
    });

/// <summary>The tiny model opened patchable for LoRA adapters (ADR-021).</summary>
public sealed class TinyAdapterModelFixture()
    : SyntheticModelFixture(TinyModelFixture.WriteOptions, StableDiffusionModelFolder.DefaultAdapterBudgetBytes);

/// <summary>The tiny model with every weight in external data files, as diffusers/optimum export a real UNet, opened patchable.</summary>
public sealed class TinyExternalDataAdapterModelFixture()
    : SyntheticModelFixture(TinyModelFixture.WriteOptions with { ExternalDataThresholdBytes = 0 }, StableDiffusionModelFolder.DefaultAdapterBudgetBytes);
