using System.Collections.ObjectModel;

namespace SdPortal.Inference.Schedulers;

/// <summary>
/// Shared plumbing of the schedulers: the schedule, argument checks and step ordering. Steps run in order; calling
/// step 0 (or any step on a fresh instance, for img2img's later start) begins a new run and clears the history.
/// All spans of one run have the same length; only <c>sample</c> may be read and written in place.
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
    public void SetBeginIndex(int index) => throw new NotImplementedException("scheduler helper: begin index");

    /// <inheritdoc />
    public void AddNoise(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination) =>
        throw new NotImplementedException("scheduler helper: add_noise");

    /// <inheritdoc />
    public void ScaleModelInput(ReadOnlySpan<float> sample, int stepIndex, Span<float> destination)
    {
        CheckStepIndex(stepIndex);
        if (destination.Length != sample.Length)
        {
            throw new ArgumentException($"destination has {destination.Length} elements, sample {sample.Length}.", nameof(destination));
        }

        ScaleModelInputCore(sample, stepIndex, destination);
    }

    /// <inheritdoc />
    public void Step(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, Span<float> predictedOriginal)
    {
        CheckStepIndex(stepIndex);
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
        else if (stepIndex == 0 || _nextStep < 0)
        {
            _runLength = sample.Length;
            StepsInRun = 0;
            ResetHistory();
        }
        else
        {
            throw new InvalidOperationException(
                $"{Name}: step {stepIndex} was called after step {_nextStep - 1}; steps run in order (step 0 starts a new run).");
        }

        _nextStep = stepIndex + 1;
        StepCore(modelOutput, stepIndex, sample, predictedOriginal);
    }

    /// <summary>Writes the model input; the default is the identity (DDPM-style schedulers).</summary>
    private protected virtual void ScaleModelInputCore(ReadOnlySpan<float> sample, int stepIndex, Span<float> destination) =>
        sample.CopyTo(destination);

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

    private void CheckStepIndex(int stepIndex)
    {
        if ((uint)stepIndex >= (uint)TimestepValues.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(stepIndex), stepIndex, $"{Name} has {TimestepValues.Length} model calls (0..{TimestepValues.Length - 1}).");
        }
    }
}
