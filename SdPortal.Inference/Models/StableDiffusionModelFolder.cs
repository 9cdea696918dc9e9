using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using SdPortal.Inference.Lora;
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
    private readonly Task<string> _hash;
    private readonly IReadOnlyList<IDisposable> _scratch;

    private StableDiffusionModelFolder(
        ModelFolderLayout layout,
        InferenceDevice device,
        ModelConfiguration configuration,
        TextEncoderModel textEncoder,
        UNetModel unet,
        VaeDecoderModel vaeDecoder,
        VaeEncoderModel? vaeEncoder,
        AdapterPatchCache? adapters,
        IReadOnlyList<IDisposable> scratch)
    {
        Adapters = adapters;
        _scratch = scratch;
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
        _hash = UNetHash.Start(layout.UNet);
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

    /// <summary>
    /// A1111-style short hash of the UNet (10 hex digits of SHA-256), begun in the background when the folder opened
    /// (<see cref="UNetHash"/>); waits only if the first image finishes before the hash does.
    /// </summary>
    public string ModelHash => _hash.GetAwaiter().GetResult();

    internal TextEncoderModel TextEncoder { get; }

    internal UNetModel UNet { get; }

    internal VaeDecoderModel VaeDecoder { get; }

    /// <summary>The VAE encoder, or null when the folder has none (text-to-image only).</summary>
    internal VaeEncoderModel? VaeEncoder { get; }

    /// <summary>
    /// The patched weights of adapter sets (ADR-021), or null when the folder was opened without adapter support (a
    /// graph whose weights no adapter can reach, such as the fused form's packed attention).
    /// </summary>
    internal AdapterPatchCache? Adapters { get; }

    /// <summary>Whether jobs may apply LoRA adapters to this model.</summary>
    public bool SupportsAdapters => Adapters is not null;

    /// <summary>Whether the folder can start from an image: image-to-image and inpainting need a VAE encoder.</summary>
    public bool CanEncodeImages => VaeEncoder is not null;

    /// <summary>Whether the UNet is an inpainting UNet (fed the mask and the masked image's latents).</summary>
    public bool HasInpaintingUNet => UNet.IsInpainting;

    /// <summary>
    /// Validates and opens the folder at <paramref name="directory"/> on <paramref name="device"/>; a GPU's provider is
    /// set up from <paramref name="cuda"/> (the defaults when null); <paramref name="cpuArena"/> is the engine's choice
    /// unless a benchmark compares another (ADR-016). A positive <paramref name="adapterBudgetBytes"/> opens the text
    /// encoder and UNet patchable for LoRA adapters (ADR-021), keeping that many bytes of patched weights between jobs;
    /// 0 opens them as stored, which keeps a batched image bit-identical to its image alone (a patchable session
    /// cannot prepack its MatMul weights and rounds within one level of it). <paramref name="sessions"/> sets the
    /// sessions' threads and memory pattern (ORT's defaults when null).
    /// </summary>
    /// <exception cref="ModelLoadException">A file is missing, malformed or not the model expected.</exception>
    public static StableDiffusionModelFolder Open(
        string directory,
        InferenceDevice device = default,
        ILogger? logger = null,
        CudaProviderSettings? cuda = null,
        CpuArena cpuArena = CpuArena.Shrinking,
        long adapterBudgetBytes = 0,
        SessionSettings? sessions = null)
    {
        logger ??= NullLogger.Instance;
        var layout = new ModelFolderLayout(directory);
        layout.EnsureComplete();
        var configuration = ModelConfiguration.Read(layout);

        var (options, actualDevice) = ExecutionProviderSelector.Create(device, logger, cuda, cpuArena, sessions);

        // GPU sessions keep ORT's defaults (ADR-012): their activations live in the CUDA arena, and shrinking an arena
        // the run option names but the session lacks would fail the call.
        var runArena = actualDevice.Kind == InferenceDeviceKind.Cuda ? CpuArena.Kept : cpuArena;
        using (options)
        {
            var opened = new List<OnnxModelFile>(3);
            var scratch = new List<IDisposable>(2);
            try
            {
                SessionOptions OptionsForRewrite() => ExecutionProviderSelector.Create(actualDevice, NullLogger.Instance, cuda, cpuArena, sessions).Options;
                var (textEncoderFile, unetFile, adapters) = OpenPatchable(layout, options, OptionsForRewrite, runArena, adapterBudgetBytes, scratch, logger);
                var textEncoder = new TextEncoderModel(Track(opened, textEncoderFile));
                var unet = new UNetModel(Track(opened, unetFile));
                var vae = new VaeDecoderModel(Track(opened, OnnxModelFile.Open(layout.VaeDecoder, options, runArena)));
                var encoder = layout.HasVaeEncoder ? VaeEncoderModel.Open(layout.VaeEncoder, options, OptionsForRewrite, runArena) : null;
                if (encoder is not null)
                {
                    opened.Add(encoder.File);
                }

                ModelCompatibility.Check(textEncoder, unet, vae, encoder);
                LogOpened(logger, layout.Directory, actualDevice.ToString(), unet.TimestepForm.ElementType.ToString(), unet.TimestepForm.Shape.ToString());
                return new StableDiffusionModelFolder(layout, actualDevice, configuration, textEncoder, unet, vae, encoder, adapters, scratch);
            }
            catch
            {
                // The role wrappers own nothing but their file, so releasing the files releases everything opened so far.
                opened.ForEach(file => file.Dispose());
                scratch.ForEach(s => s.Dispose());
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
        Adapters?.Dispose();
        foreach (var scratch in _scratch)
        {
            scratch.Dispose();
        }
    }

    /// <summary>A budget for patched adapter weights kept between jobs that suits one SD 1.5 model (ADR-021).</summary>
    public const long DefaultAdapterBudgetBytes = 4L << 30;

    /// <summary>
    /// The text encoder and UNet sessions, opened patchable when both have weights an adapter can reach; otherwise
    /// as stored, without adapter support (logged).
    /// </summary>
    private static (OnnxModelFile TextEncoder, OnnxModelFile UNet, AdapterPatchCache? Adapters) OpenPatchable(
        ModelFolderLayout layout, SessionOptions options, Func<SessionOptions> optionsForRewrite, CpuArena runArena, long budgetBytes, List<IDisposable> scratch, ILogger logger)
    {
        if (budgetBytes <= 0 || !HasPatchableAttention(layout.UNet))
        {
            if (budgetBytes > 0)
            {
                LogNoAdapters(logger, layout.Directory);
            }

            return (OnnxModelFile.Open(layout.TextEncoder, options, runArena), OnnxModelFile.Open(layout.UNet, options, runArena), null);
        }

        var textEncoder = PatchableModel.Open(LoraComponent.TextEncoder, layout.TextEncoder, optionsForRewrite, runArena);
        scratch.Add(textEncoder);
        try
        {
            var unet = PatchableModel.Open(LoraComponent.UNet, layout.UNet, optionsForRewrite, runArena);
            scratch.Add(unet);
            return (textEncoder.File, unet.File, new AdapterPatchCache(textEncoder, unet, budgetBytes));
        }
        catch
        {
            textEncoder.File.Dispose();
            throw;
        }
    }

    /// <summary>Whether the UNet's attention projections are reachable by module name (not packed, as in the fused form).</summary>
    private static bool HasPatchableAttention(string unetPath) =>
        ComponentWeights.Of(LoraComponent.UNet, ModelWeightIndex.ReadGraph(unetPath)).Weights.Any(w => w.ModulePath.EndsWith(".attn2.to_k", StringComparison.Ordinal));

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Directory} opens without adapter support: its attention weights are not reachable by module name")]
    private static partial void LogNoAdapters(ILogger logger, string directory);

    private static OnnxModelFile Track(List<OnnxModelFile> opened, OnnxModelFile file)
    {
        opened.Add(file);
        return file;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Opened model {Directory} on {Device}; UNet timestep {TimestepType} {TimestepShape}")]
    private static partial void LogOpened(ILogger logger, string directory, string device, string timestepType, string timestepShape);
}
