using Microsoft.ML.OnnxRuntime;

namespace SdPortal.Inference.Models;

/// <summary>
/// One ONNX model file opened as a long-lived <see cref="InferenceSession"/>. Failures to read or parse the file surface
/// as <see cref="ModelLoadException"/> naming it, never as a raw ONNX Runtime error.
/// </summary>
internal sealed class OnnxModelFile : IDisposable
{
    private const string ShrinkArenasEntry = "memory.enable_memory_arena_shrinkage";
    private const string ExternalDataFolderEntry = "session.model_external_initializers_file_folder_path";

    private OnnxModelFile(string path, InferenceSession session, CpuArena cpuArena)
    {
        Path = path;
        Session = session;
        CpuArena = cpuArena;
    }

    /// <summary>How the session's CPU arena is treated between calls.</summary>
    public CpuArena CpuArena { get; }

    /// <summary>The model file.</summary>
    public string Path { get; }

    /// <summary>The session; thread-safe for concurrent runs.</summary>
    public InferenceSession Session { get; }

    /// <summary>Opens <paramref name="path"/> with <paramref name="options"/>, built for <paramref name="cpuArena"/>.</summary>
    /// <exception cref="ModelLoadException">The file is missing or ONNX Runtime rejects it.</exception>
    public static OnnxModelFile Open(string path, SessionOptions options, CpuArena cpuArena = CpuArena.Shrinking)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException(path, "is missing");
        }

        try
        {
            return new OnnxModelFile(path, new InferenceSession(path, options), cpuArena);
        }
        catch (OnnxRuntimeException ex) when (MissingKernel.Describe(ex.Message) is { } missing)
        {
            throw new ModelLoadException(path, missing, ex);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException(path, $"is not a loadable ONNX model ({ex.Message.Trim()})", ex);
        }
    }

    /// <summary>
    /// Opens a model rewritten in memory (<paramref name="model"/>: the serialized graph) whose external data lives in
    /// <paramref name="externalDataFolder"/>; <paramref name="path"/> names the original in errors. ONNX Runtime only
    /// reads external data below the model's folder (symbolic links resolved), so a rewritten copy elsewhere could not
    /// reach the original's data files.
    /// </summary>
    /// <exception cref="ModelLoadException">ONNX Runtime rejects the model.</exception>
    public static OnnxModelFile Open(string path, byte[] model, string externalDataFolder, Func<SessionOptions> createOptions, CpuArena cpuArena)
    {
        using var options = createOptions();
        options.AddSessionConfigEntry(ExternalDataFolderEntry, externalDataFolder);

        // ONNX Runtime warns once per initializer that is also a graph input: here that is the point (adapters), not news.
        options.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
        try
        {
            return new OnnxModelFile(path, new InferenceSession(model, options), cpuArena);
        }
        catch (OnnxRuntimeException ex) when (MissingKernel.Describe(ex.Message) is { } missing)
        {
            throw new ModelLoadException(path, missing, ex);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException(path, $"is not a loadable ONNX model ({ex.Message.Trim()})", ex);
        }
    }

    /// <summary>
    /// <paramref name="runOptions"/>, set to give the call's CPU buffers back when it ends if the arena is
    /// <see cref="CpuArena.Shrinking"/> (the UNet asks only on a pass's last step). Without that the arena keeps the largest call's buffers for good: the 768×768
    /// UNet call's attention scores stayed resident after the job (ADR-016).
    /// </summary>
    public RunOptions Prepare(RunOptions runOptions)
    {
        if (CpuArena == CpuArena.Shrinking)
        {
            runOptions.AddRunConfigEntry(ShrinkArenasEntry, "cpu:0");
        }

        return runOptions;
    }

    /// <summary>Finds an input port; see <see cref="ModelPort.Find"/>.</summary>
    public ModelPort Input(string role, int rank, params string[] names) =>
        ModelPort.Find(Session.InputMetadata, Path, role, rank, names);

    /// <summary>Finds an output port; see <see cref="ModelPort.Find"/>.</summary>
    public ModelPort Output(string role, int rank, params string[] names) =>
        ModelPort.Find(Session.OutputMetadata, Path, role, rank, names);

    /// <summary>Throws unless <paramref name="port"/> holds float32 or float16 data.</summary>
    public void RequireFloatingPoint(ModelPort port)
    {
        if (!port.IsFloatingPoint)
        {
            throw new ModelLoadException(Path, $"port '{port.Name}' is {port.ElementType}; float or float16 expected");
        }
    }

    /// <inheritdoc />
    public void Dispose() => Session.Dispose();
}
