namespace SdPortal.Inference.Pipeline;

/// <summary>
/// Where a job's UNet evaluations run: alone over the job's own tensors (<see cref="SoloUNetEvaluator"/>), or inside
/// calls shared with other jobs on the same device (the step batcher). The pipeline's loop is the same either way.
/// </summary>
internal interface IUNetEvaluator
{
    /// <summary>Gives <paramref name="denoiser"/> a place to evaluate from; dispose it when the job leaves.</summary>
    IUNetLane Join(Denoiser denoiser);
}

/// <summary>One job's access to an <see cref="IUNetEvaluator"/>.</summary>
internal interface IUNetLane : IDisposable
{
    /// <summary>
    /// Evaluates the UNet for call <paramref name="index"/>: reads the job's prepared <see cref="Denoiser.ModelInput"/>
    /// and fills its <see cref="Denoiser.Prediction"/>. Cancellation ends the wait within the running call.
    /// </summary>
    ValueTask EvaluateAsync(int index, CancellationToken cancellationToken);
}

/// <summary>Each job evaluates alone, synchronously, over its own tensors (the unbatched engine).</summary>
internal sealed class SoloUNetEvaluator : IUNetEvaluator
{
    public static SoloUNetEvaluator Instance { get; } = new();

    public IUNetLane Join(Denoiser denoiser) => new Lane(denoiser);

    private sealed class Lane(Denoiser denoiser) : IUNetLane
    {
        public ValueTask EvaluateAsync(int index, CancellationToken cancellationToken)
        {
            denoiser.EvaluateAlone(index, cancellationToken);
            return ValueTask.CompletedTask;
        }

        public void Dispose()
        {
        }
    }
}
