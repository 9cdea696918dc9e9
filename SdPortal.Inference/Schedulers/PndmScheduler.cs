namespace SdPortal.Inference.Schedulers;

/// <summary>
/// Pseudo numerical methods for diffusion models (Liu et al. 2022), diffusers' PNDMScheduler. With skip_prk_steps
/// (every Stable Diffusion config) it is PLMS: a two-call warm-up step (Timesteps lists the second timestep twice),
/// then Adams–Bashforth of orders 2, 3, 4 on the kept ε. Without it, three pseudo Runge–Kutta steps (4 calls each)
/// come first. Every transfer goes from t to t − ⌊T/N⌋, as in diffusers, past t = 0 to ᾱ₀ (or 1 with set_alpha_to_one).
/// predictedOriginal is the x₀ implied by the call's own output at its timestep (diffusers returns none).
/// </summary>
public sealed class PndmScheduler : DiffusionSchedulerBase
{
    private readonly NoiseSchedule _schedule;
    private readonly PndmTransfer _transfer;
    private readonly PndmTimesteps _plan;
    private readonly AdamsBashforthHistory _kept = new();
    private float[]? _baseSample;
    private float[]? _rungeKuttaSum;
    private float[]? _combined;

    /// <summary>Creates the schedule for <paramref name="steps"/> steps (diffusers' PNDM defaults: leading spacing).</summary>
    /// <exception cref="ArgumentException">The config asks for sample prediction, which PNDM does not support.</exception>
    public PndmScheduler(SchedulerConfig config, int steps)
        : this(config.Resolve(SchedulerClassDefaults.Pndm), steps)
    {
    }

    private PndmScheduler(ResolvedSchedulerConfig config, int steps)
        : this(config, PndmTimesteps.Create(config, steps))
    {
    }

    private PndmScheduler(ResolvedSchedulerConfig config, PndmTimesteps plan)
        : base("PNDM", plan.Timesteps, null, 1f, false)
    {
        if (config.PredictionType == PredictionType.Sample)
        {
            throw new ArgumentException("PNDM supports epsilon and v_prediction only (as diffusers' PNDMScheduler).", nameof(config));
        }

        _schedule = NoiseSchedule.For(config);
        _transfer = new PndmTransfer(_schedule, config.PredictionType, config.SetAlphaToOne);
        _plan = plan;
    }

    private protected override void ResetHistory() => _kept.Clear();

    private protected override NoiseLevel NoiseLevelAt(int stepIndex) => NoiseLevel.Ddpm(_schedule, (int)TimestepValues[stepIndex]);

    private protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, Span<float> predictedOriginal)
    {
        var length = sample.Length;
        var t = (int)TimestepValues[stepIndex];
        _kept.Prepare(length);
        var combined = Buffer(ref _combined, length);
        var baseSample = Buffer(ref _baseSample, length);
        var sum = Buffer(ref _rungeKuttaSum, length);
        _transfer.ImpliedOriginal(modelOutput, sample, t, predictedOriginal);
        var call = StepsInRun;
        if (call < _plan.RungeKuttaCalls)
        {
            RungeKuttaCall(modelOutput, call, t, sample, baseSample, sum, combined);
            return;
        }

        var plmsCall = call - _plan.RungeKuttaCalls;
        var stride = _plan.Stride;
        if (plmsCall == 1 && !_plan.HasRungeKutta)
        {
            // Second warm-up call: redo the first transfer, ts[1] + δ → ts[1], with ε' = (ε₁ + ε₀)/2 from the saved sample.
            var first = _kept.Get(0);
            for (var i = 0; i < length; i++)
            {
                combined[i] = (modelOutput[i] + first[i]) / 2;
            }

            _transfer.Apply(baseSample, combined, t + stride, t, sample);
            return;
        }

        _kept.Add(modelOutput);
        if (plmsCall == 0 && !_plan.HasRungeKutta)
        {
            sample.CopyTo(baseSample); // the warm-up's second call restarts from here
        }

        _kept.Combine(combined);
        _transfer.Apply(sample, combined, t, t - stride, sample);
    }

    // Pseudo Runge–Kutta (Liu et al. eq. 13) for a step t → t' from its starting sample x: stage outputs e₁..e₄ at
    // t, m, m, t' (m = t' + ⌊δ/2⌋); stage transfers x → t − ⌊δ/2⌋, x → m, x → t' with e₁, e₂, e₃, and the step itself
    // x → t' with ε' = (e₁ + 2e₂ + 2e₃ + e₄)/6. The transfer targets follow diffusers' counter arithmetic.
    private void RungeKuttaCall(
        ReadOnlySpan<float> modelOutput, int call, int t, Span<float> sample, float[] baseSample, float[] sum, float[] combined)
    {
        var stage = call % 4;
        var from = (int)TimestepValues[call / 4 * 4];
        var to = t - (call % 2 == 1 ? 0 : _plan.Stride / 2);
        if (stage == 0)
        {
            sample.CopyTo(baseSample);
            _kept.Add(modelOutput);
            sum.AsSpan().Clear();
        }

        if (stage < 3)
        {
            var weight = stage == 0 ? 1f / 6 : 1f / 3;
            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] += weight * modelOutput[i];
            }

            _transfer.Apply(baseSample, modelOutput, from, to, sample);
            return;
        }

        for (var i = 0; i < sum.Length; i++)
        {
            combined[i] = sum[i] + (1f / 6 * modelOutput[i]);
        }

        _transfer.Apply(baseSample, combined, from, to, sample);
    }
}
