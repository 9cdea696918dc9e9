namespace SdPortal.Inference.Schedulers;

/// <summary>
/// UniPC (Zhao et al. 2023), diffusers' UniPCMultistepScheduler with its defaults: bh2 (B(h) = e^h − 1), data
/// prediction, solver_order 2, lower_order_final, corrector on every step but the first. Step i first corrects the
/// incoming sample with the fresh x₀ estimate (UniC), then predicts the next sample (UniP, order ≤ 2; order 1 on the
/// first and last steps). The final corrector (after the last call) never runs, as in diffusers. See
/// <see cref="UniPcCoefficients"/> for the formulas. One model call per step.
/// </summary>
public sealed class UniPcScheduler : DiffusionSchedulerBase
{
    private readonly PredictionType _prediction;
    private float[]? _lastSample;     // the (corrected) sample the previous prediction started from
    private float[]? _previous;       // m_{i−1}
    private float[]? _beforePrevious; // m_{i−2}
    private int _previousOrder;       // the order of the previous prediction
    private int _history;             // how many x₀ estimates are kept (at most 2)

    /// <summary>Creates the schedule for <paramref name="steps"/> steps (diffusers' defaults: linspace spacing).</summary>
    public UniPcScheduler(SchedulerConfig config, int steps)
        : this(config.Resolve(SchedulerClassDefaults.Multistep), steps)
    {
    }

    private UniPcScheduler(ResolvedSchedulerConfig config, int steps)
        : this(config, MultistepSchedule.Create("UniPC", config, steps, karras: false))
    {
    }

    private UniPcScheduler(ResolvedSchedulerConfig config, MultistepSchedule schedule)
        : base("UniPC", schedule.Timesteps, schedule.Sigmas, 1f, false) =>
        _prediction = config.PredictionType;

    private protected override void ResetHistory() => _history = 0;

    private protected override NoiseLevel NoiseLevelAt(int stepIndex) => NoiseLevel.VariancePreserving((float)SigmaValues![stepIndex]);

    private protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, Span<float> predictedOriginal)
    {
        var length = sample.Length;
        var sigmas = SigmaValues!;
        var current = VpSigma.From((float)sigmas[stepIndex]);
        for (var i = 0; i < length; i++)
        {
            predictedOriginal[i] = _prediction switch
            {
                PredictionType.Epsilon => (sample[i] - (current.SigmaT * modelOutput[i])) / current.AlphaT,
                PredictionType.VPrediction => (current.AlphaT * sample[i]) - (current.SigmaT * modelOutput[i]),
                _ => modelOutput[i],
            };
        }

        var lastSample = Buffer(ref _lastSample, length);
        var previous = Buffer(ref _previous, length);
        var beforePrevious = Buffer(ref _beforePrevious, length);
        if (_history > 0)
        {
            Correct(stepIndex, sample, predictedOriginal, lastSample, previous, beforePrevious);
        }

        // Shift the history: m_{i−2} ← m_{i−1}, m_{i−1} ← m_i.
        (_beforePrevious, _previous) = (previous, beforePrevious);
        predictedOriginal.CopyTo(_previous);
        _history = Math.Min(_history + 1, 2);
        var order = Math.Min(Math.Min(2, TimestepValues.Length - stepIndex), _history);
        sample.CopyTo(lastSample);
        Predict(stepIndex, order, sample, _previous, _beforePrevious);
        _previousOrder = order;
    }

    // UniC: x_i ← (σ_{t,i}/σ_{t,i−1})·x_{i−1} − α_i·φ₁·m_{i−1} − α_i·B(h)·(ρ₀·D₁ + ρ_last·(m_i − m_{i−1})),
    // h = λ_i − λ_{i−1}; order 2 adds D₁ = (m_{i−2} − m_{i−1})/r, r = (λ_{i−2} − λ_{i−1})/h.
    private void Correct(int stepIndex, Span<float> sample, ReadOnlySpan<float> model, float[] lastSample, float[] previous, float[] beforePrevious)
    {
        var sigmas = SigmaValues!;
        var t = VpSigma.From((float)sigmas[stepIndex]);
        var s0 = VpSigma.From((float)sigmas[stepIndex - 1]);
        var h = t.Lambda - s0.Lambda;
        var r = 0f;
        if (_previousOrder == 2)
        {
            r = (VpSigma.From((float)sigmas[stepIndex - 2]).Lambda - s0.Lambda) / h;
        }

        var c = UniPcCoefficients.Corrector(h, _previousOrder, r);
        var ratio = t.SigmaT / s0.SigmaT;
        var phi = t.AlphaT * c.Phi1;
        var scale = t.AlphaT * c.B;
        for (var i = 0; i < sample.Length; i++)
        {
            var baseValue = (ratio * lastSample[i]) - (phi * previous[i]);
            var history = _previousOrder == 2 ? c.RhoHistory * ((beforePrevious[i] - previous[i]) / r) : 0f;
            sample[i] = baseValue - (scale * (history + (c.RhoLast * (model[i] - previous[i]))));
        }
    }

    // UniP: x_{i+1} = (σ_{t,i+1}/σ_{t,i})·x_i − α_{i+1}·φ₁·m_i [− α_{i+1}·B(h)·½·D₁, D₁ = (m_{i−1} − m_i)/r,
    // r = (λ_{i−1} − λ_i)/h for order 2], h = λ_{i+1} − λ_i.
    private void Predict(int stepIndex, int order, Span<float> sample, float[] model, float[] previous)
    {
        var sigmas = SigmaValues!;
        var t = VpSigma.From((float)sigmas[stepIndex + 1]);
        var s0 = VpSigma.From((float)sigmas[stepIndex]);
        var h = t.Lambda - s0.Lambda;
        var c = UniPcCoefficients.Predictor(h);
        var ratio = t.SigmaT / s0.SigmaT;
        var phi = t.AlphaT * c.Phi1;
        if (order == 1)
        {
            for (var i = 0; i < sample.Length; i++)
            {
                sample[i] = (ratio * sample[i]) - (phi * model[i]);
            }

            return;
        }

        var r = (VpSigma.From((float)sigmas[stepIndex - 1]).Lambda - s0.Lambda) / h;
        var scale = t.AlphaT * c.B;
        for (var i = 0; i < sample.Length; i++)
        {
            var d1 = (previous[i] - model[i]) / r;
            sample[i] = (ratio * sample[i]) - (phi * model[i]) - (scale * (0.5f * d1));
        }
    }
}
