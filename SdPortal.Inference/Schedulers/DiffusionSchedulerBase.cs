using System.Collections.ObjectModel;

namespace SdPortal.Inference.Schedulers;

/// <summary>
/// Shared plumbing of the schedulers: the schedule, argument checks, step ordering and add_noise. Steps run in order
/// from <see cref="BeginIndex"/>: calling that step begins a new run and clears the history (diffusers' set_timesteps
/// leaves a fresh scheduler, whose multistep warm-up starts again from its begin index), anything else but the next
/// step is refused. All spans of one run have the same length; only <c>sample</c> may be read and written in place.
/// </summary>
public abstract class DiffusionSchedulerBase : IDiffusionScheduler
{
    private int _nextStep = -1;
    private int _runLength = -1;

    /// <summary>Stores the schedule; <paramref name="sigmas"/> has one entry per model call plus a final 0, or is null.</summary>
    private protected DiffusionSchedulerBase(string name, double[] timesteps, double[]? sigmas, float initNoiseSigma, bool isStochastic)
    {
        Name = name;
        TimestepValues = timesteps;
        SigmaValues = sigmas;
        Timesteps = new ReadOnlyCollection<double>(timesteps);
        Sigmas = sigmas is null ? null : new ReadOnlyCollection<double>(sigmas);
        InitNoiseSigma = initNoiseSigma;
        IsStochastic = isStochastic;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<double> Timesteps { get; }

    /// <inheritdoc />
    public IReadOnlyList<double>? Sigmas { get; }

    /// <inheritdoc />
    public float InitNoiseSigma { get; }

    /// <inheritdoc />
    public bool IsStochastic { get; }

    /// <summary>The timesteps, for the subclasses' arithmetic.</summary>
    private protected double[] TimestepValues { get; }

    /// <summary>The sigmas (float32 values), for the subclasses' arithmetic.</summary>
    private protected double[]? SigmaValues { get; }

    /// <summary>How many steps this run has taken before the current one (0 on the run's first step).</summary>
    private protected int StepsInRun { get; private set; }

    /// <inheritdoc />
    public virtual int Order => 1;

    /// <inheritdoc />
    public int BeginIndex { get; private set; }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="index"/> is not a model call of the schedule, or falls inside a multi-call step (Heun's second
    /// call: diffusers only ever begins at t_start × order).
    /// </exception>
    public void SetBeginIndex(int index)
    {
        CheckStepIndex(index, nameof(index));
        if (index % Order != 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(index), index, $"{Name} takes {Order} model calls per step; a run begins at a multiple of {Order}.");
        }

        BeginIndex = index;
        _nextStep = -1; // whatever ran before, the next step must start a run here
    }

    /// <inheritdoc />
    public void AddNoise(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination)
    {
        CheckStepIndex(stepIndex, nameof(stepIndex));
        if (noise.Length != original.Length || destination.Length != original.Length)
        {
            throw new ArgumentException(
                $"original ({original.Length}), noise ({noise.Length}) and destination ({destination.Length}) must have the same length.",
                nameof(noise));
        }

        var level = NoiseLevelAt(stepIndex);
        var signal = level.Signal;
        var spread = level.Noise;
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (signal * original[i]) + (spread * noise[i]); // the products first, then the sum, as torch
        }
    }

    /// <inheritdoc />
    public void ScaleModelInput(ReadOnlySpan<float> sample, int stepIndex, Span<float> destination)
    {
        CheckStepIndex(stepIndex, nameof(stepIndex));
        if (destination.Length != sample.Length)
        {
            throw new ArgumentException($"destination has {destination.Length} elements, sample {sample.Length}.", nameof(destination));
        }

        ScaleModelInputCore(sample, stepIndex, destination);
    }

    /// <inheritdoc />
    public void Step(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, Span<float> predictedOriginal)
    {
        CheckStepIndex(stepIndex, nameof(stepIndex));
        if (modelOutput.Length != sample.Length || predictedOriginal.Length != sample.Length)
        {
            throw new ArgumentException(
                $"modelOutput ({modelOutput.Length}), sample ({sample.Length}) and predictedOriginal ({predictedOriginal.Length}) must have the same length.",
                nameof(modelOutput));
        }

        if (stepIndex == _nextStep)
        {
            if (sample.Length != _runLength)
            {
                throw new ArgumentException($"The sample changed from {_runLength} to {sample.Length} elements during a run.", nameof(sample));
            }

            StepsInRun++;
        }
        else if (stepIndex == BeginIndex)
        {
            _runLength = sample.Length;
            StepsInRun = 0;
            ResetHistory();
        }
        else
        {
            var after = _nextStep < 0 ? "before any step" : $"after step {_nextStep - 1}";
            throw new InvalidOperationException(
                $"{Name}: step {stepIndex} was called {after}; steps run in order (step {BeginIndex}, the begin index, starts a new run).");
        }

        _nextStep = stepIndex + 1;
        StepCore(modelOutput, stepIndex, sample, predictedOriginal);
    }

    /// <summary>Writes the model input; the default is the identity (DDPM-style schedulers).</summary>
    private protected virtual void ScaleModelInputCore(ReadOnlySpan<float> sample, int stepIndex, Span<float> destination) =>
        sample.CopyTo(destination);

    /// <summary>
    /// The scales of diffusers' add_noise at model call <paramref name="stepIndex"/>, the call whose input the result
    /// stands for: image-to-image's start is the begin index itself, and legacy inpainting's re-noising after call i is
    /// i + 1, which is the step index a sigma-based diffusers scheduler reads then and Timesteps[i + 1] otherwise.
    /// </summary>
    private protected abstract NoiseLevel NoiseLevelAt(int stepIndex);

    /// <summary>The update itself, after the checks.</summary>
    private protected abstract void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, Span<float> predictedOriginal);

    /// <summary>Forgets the multistep history at the start of a run (buffers are kept for reuse).</summary>
    private protected virtual void ResetHistory()
    {
    }

    /// <summary>Returns <paramref name="buffer"/>, allocating it on first use (or when the sample size changed).</summary>
    private protected static float[] Buffer(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length != length)
        {
            buffer = new float[length];
        }

        return buffer;
    }

    /// <summary>Allocates every slot of a history ring at once (on first use, or when the sample size changed).</summary>
    private protected static void Buffers(float[]?[] ring, int length)
    {
        for (var i = 0; i < ring.Length; i++)
        {
            Buffer(ref ring[i], length);
        }
    }

    private void CheckStepIndex(int stepIndex, string parameter)
    {
        if ((uint)stepIndex >= (uint)TimestepValues.Length)
        {
            throw new ArgumentOutOfRangeException(parameter, stepIndex, $"{Name} has {TimestepValues.Length} model calls (0..{TimestepValues.Length - 1}).");
        }
    }
}
