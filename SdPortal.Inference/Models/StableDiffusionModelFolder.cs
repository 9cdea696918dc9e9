using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SdPortal.Inference.Schedulers;
using SdPortal.Inference.Tokenization;

namespace SdPortal.Inference.Models;

/// <summary>
/// An opened diffusers ONNX Stable Diffusion folder: its configuration, tokenizer and one long-lived session per model
/// file on one device. Every way the folder can be unusable surfaces from <see cref="Open"/> as a
/// <see cref="ModelLoadException"/> naming the file. Thread-safe for concurrent generations; dispose once.
/// </summary>
public sealed partial class StableDiffusionModelFolder : IDisposable
{
    private readonly Lazy<string> _hash;

    private StableDiffusionModelFolder(
        ModelFolderLayout layout,
        InferenceDevice device,
        ModelConfiguration configuration,
        TextEncoderModel textEncoder,
        UNetModel unet,
        VaeDecoderModel vaeDecoder,
        VaeEncoderModel? vaeEncoder)
    {
        Layout = layout;
        Device = device;
        PipelineClass = configuration.PipelineClass;
        SchedulerConfig = configuration.Scheduler;
        Tokenizer = configuration.Tokenizer;
        VaeScalingFactor = configuration.VaeScalingFactor;
        IsSynthetic = File.Exists(layout.SyntheticMarker);
        SizeMultiple = ModelSizeMultiple.Read(layout.Directory);
        TextEncoder = textEncoder;
        UNet = unet;
        VaeDecoder = vaeDecoder;
        VaeEncoder = vaeEncoder;
        _hash = new Lazy<string>(() => UNetHash.Compute(layout.UNet), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Where the files are.</summary>
    public ModelFolderLayout Layout { get; }

    /// <summary>The device the sessions actually run on (the CPU when CUDA was requested but unavailable).</summary>
    public InferenceDevice Device { get; }

    /// <summary>model_index.json's pipeline class, e.g. OnnxStableDiffusionPipeline.</summary>
    public string PipelineClass { get; }

    /// <summary>The scheduler configuration every job's scheduler is built from.</summary>
    public SchedulerConfig SchedulerConfig { get; }

    /// <summary>The CLIP tokenizer of the folder.</summary>
    public ClipTokenizer Tokenizer { get; }

    /// <summary>The VAE latent scaling factor: latents are divided by it before decoding.</summary>
    public float VaeScalingFactor { get; }

    /// <summary>The multiple width and height must keep for this model's UNet (<see cref="ModelSizeMultiple"/>).</summary>
    public int SizeMultiple { get; }

    /// <summary>Pixels per latent cell along each axis.</summary>
    public const int VaeSpatialFactor = 8;

    /// <summary>Latent channels the UNet denoises (4 for SD 1.x).</summary>
    public int LatentChannels => UNet.LatentChannels;

    /// <summary>How the UNet takes its timestep, read from its metadata.</summary>
    public TimestepForm UNetTimestep => UNet.TimestepForm;

    /// <summary>Whether the folder is one of the project's random-weight synthetic models.</summary>
    public bool IsSynthetic { get; }

    /// <summary>A1111-style short hash of the UNet (10 hex digits of SHA-256), computed on first use and cached.</summary>
    public string ModelHash => _hash.Value;

    internal TextEncoderModel TextEncoder { get; }

    internal UNetModel UNet { get; }

    internal VaeDecoderModel VaeDecoder { get; }

    /// <summary>The VAE encoder, or null when the folder has none (text-to-image only).</summary>
    internal VaeEncoderModel? VaeEncoder { get; }

    /// <summary>Whether the folder can start from an image: image-to-image and inpainting need a VAE encoder.</summary>
    public bool CanEncodeImages => VaeEncoder is not null;

    /// <summary>Whether the UNet is an inpainting UNet (fed the mask and the masked image's latents).</summary>
    public bool HasInpaintingUNet => UNet.IsInpainting;

    /// <summary>
    /// Validates and opens the folder at <paramref name="directory"/> on <paramref name="device"/>; a GPU's provider is
    /// set up from <paramref name="cuda"/> (the defaults when null); <paramref name="cpuArena"/> is the engine's choice
    /// unless a benchmark compares another (ADR-016).
    /// </summary>
    /// <exception cref="ModelLoadException">A file is missing, malformed or not the model expected.</exception>
    public static StableDiffusionModelFolder Open(
        string directory,
        InferenceDevice device = default,
        ILogger? logger = null,
        CudaProviderSettings? cuda = null,
        CpuArena cpuArena = CpuArena.Shrinking)
    {
        logger ??= NullLogger.Instance;
        var layout = new ModelFolderLayout(directory);
        layout.EnsureComplete();
        var configuration = ModelConfiguration.Read(layout);

        var (options, actualDevice) = ExecutionProviderSelector.Create(device, logger, cuda, cpuArena);

        // GPU sessions keep ORT's defaults (ADR-012): their activations live in the CUDA arena, and shrinking an arena
        // the run option names but the session lacks would fail the call.
        var runArena = actualDevice.Kind == InferenceDeviceKind.Cuda ? CpuArena.Kept : cpuArena;
        using (options)
        {
            var opened = new List<OnnxModelFile>(3);
            try
            {
                var textEncoder = new TextEncoderModel(Track(opened, OnnxModelFile.Open(layout.TextEncoder, options, runArena)));
                var unet = new UNetModel(Track(opened, OnnxModelFile.Open(layout.UNet, options, runArena)));
                var vae = new VaeDecoderModel(Track(opened, OnnxModelFile.Open(layout.VaeDecoder, options, runArena)));
                var encoder = layout.HasVaeEncoder ? VaeEncoderModel.Open(layout.VaeEncoder, options, runArena) : null;
                if (encoder is not null)
                {
                    opened.Add(encoder.File);
                }

                ModelCompatibility.Check(textEncoder, unet, vae, encoder);
                LogOpened(logger, layout.Directory, actualDevice.ToString(), unet.TimestepForm.ElementType.ToString(), unet.TimestepForm.Shape.ToString());
                return new StableDiffusionModelFolder(layout, actualDevice, configuration, textEncoder, unet, vae, encoder);
            }
            catch
            {
                // The role wrappers own nothing but their file, so releasing the files releases everything opened so far.
                opened.ForEach(file => file.Dispose());
                throw;
            }
        }
    }

    /// <summary>Whether <see cref="Dispose"/> has closed the sessions (the engine evicted the model, or shut down).</summary>
    public bool IsDisposed { get; private set; }

    /// <inheritdoc />
    public void Dispose()
    {
        IsDisposed = true;
        TextEncoder.Dispose();
        UNet.Dispose();
        VaeDecoder.Dispose();
        VaeEncoder?.Dispose();
    }

    private static OnnxModelFile Track(List<OnnxModelFile> opened, OnnxModelFile file)
    {
        opened.Add(file);
        return file;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Opened model {Directory} on {Device}; UNet timestep {TimestepType} {TimestepShape}")]
    private static partial void LogOpened(ILogger logger, string directory, string device, string timestepType, string timestepShape);
}
