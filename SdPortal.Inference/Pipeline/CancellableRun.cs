using Microsoft.ML.OnnxRuntime;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// Runs one ONNX Runtime call with its own <see cref="RunOptions"/>, whose Terminate flag the cancellation token sets,
/// so a cancelled job stops inside the running call rather than after it.
/// </summary>
internal static class CancellableRun
{
    /// <summary>Invokes <paramref name="run"/>; a run stopped by <paramref name="cancellationToken"/> ends in
    /// <see cref="OperationCanceledException"/>.</summary>
    public static void Invoke<TState>(TState state, Action<TState, RunOptions> run, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, runOptions);
        try
        {
            run(state, runOptions);
        }
        catch (OnnxRuntimeException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The generation was cancelled during a model run.", ex, cancellationToken);
        }
    }
}
