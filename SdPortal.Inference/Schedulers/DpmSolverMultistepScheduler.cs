namespace SdPortal.Inference.Schedulers;

/// <summary>
/// DPM-Solver++(2M) (Lu et al. 2022, Algorithm 2), diffusers' DPMSolverMultistepScheduler with its defaults:
/// algorithm dpmsolver++, solver_order 2, solver_type midpoint, lower_order_final, final σ = 0. In VP terms
/// α_t = 1/√(σ²+1), σ_t = σ·α_t, λ = ln α_t − ln σ_t and h = λ_{i+1} − λ_i:
/// <list type="bullet">
/// <item>first order (first step, and the last step to σ = 0): x_{i+1} = (σ_{t,i+1}/σ_{t,i})·x_i − α_{i+1}(e^{−h} − 1)·D0</item>
/// <item>second order: the same plus − ½·α_{i+1}(e^{−h} − 1)·D1, D0 = m_i, D1 = (m_i − m_{i−1})/r, r = h_{i−1}/h</item>
/// </list>
/// where m is the data prediction x₀. "DPM++ 2M Karras" uses Karras sigmas (use_karras_sigmas). One call per step.
/// </summary>
public sealed class DpmSolverMultistepScheduler : DiffusionSchedulerBase
{
    private readonly PredictionType _prediction;
    private float[]? _previousOriginal;

    /// <summary>Creates the schedule for <paramref name="steps"/> steps (diffusers' defaults: linspace spacing).</summary>
    public DpmSolverMultistepScheduler(SchedulerConfig config, int steps, bool useKarrasSigmas = false)
        : this(config.Resolve(SchedulerClassDefaults.Multistep), steps, useKarrasSigmas)
    {
    }

    private DpmSolverMultistepScheduler(ResolvedSchedulerConfig config, int steps, bool karras)
        : this(config, MultistepSchedule.Create(karras ? "DPM++ 2M Karras" : "DPM++ 2M", config, steps, karras), karras)
    {
    }

    private DpmSolverMultistepScheduler(ResolvedSchedulerConfig config, MultistepSchedule schedule, bool karras)
        : base(karras ? "DPM++ 2M Karras" : "DPM++ 2M", schedule.Timesteps, schedule.Sigmas, 1f, false) =>
        _prediction = config.PredictionType;

    private protected override NoiseLevel NoiseLevelAt(int stepIndex) => NoiseLevel.VariancePreserving((float)SigmaValues![stepIndex]);

    private protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, Span<float> predictedOriginal)
    {
        var sigmas = SigmaValues!;
        var s0 = VpSigma.From((float)sigmas[stepIndex]);
        var t = VpSigma.From((float)sigmas[stepIndex + 1]);
        var prediction = _prediction;
        for (var i = 0; i < sample.Length; i++)
        {
            predictedOriginal[i] = prediction switch
            {
                PredictionType.Epsilon => (sample[i] - (s0.SigmaT * modelOutput[i])) / s0.AlphaT, // x₀ = (x − σ_t·ε)/α_t
                PredictionType.VPrediction => (s0.AlphaT * sample[i]) - (s0.SigmaT * modelOutput[i]), // x₀ = α_t·x − σ_t·v
                _ => modelOutput[i],
            };
        }

        var h = t.Lambda - s0.Lambda;                   // h = λ_{i+1} − λ_i
        var ratio = t.SigmaT / s0.SigmaT;               // σ_{t,i+1}/σ_{t,i}
        var phi = t.AlphaT * (MathF.Exp(-h) - 1f);      // α_{i+1}·(e^{−h} − 1)
        var lastStep = stepIndex == TimestepValues.Length - 1;
        var previous = _previousOriginal;
        if (StepsInRun == 0 || lastStep || previous is null)
        {
            for (var i = 0; i < sample.Length; i++)
            {
                sample[i] = (ratio * sample[i]) - (phi * predictedOriginal[i]);
            }
        }
        else
        {
            var s1 = VpSigma.From((float)sigmas[stepIndex - 1]);
            var r0 = (s0.Lambda - s1.Lambda) / h;        // r = h_{i−1}/h
            var inverseR0 = 1f / r0;
            var halfPhi = 0.5f * phi;
            for (var i = 0; i < sample.Length; i++)
            {
                var d1 = inverseR0 * (predictedOriginal[i] - previous[i]); // D1 = (m_i − m_{i−1})/r
                sample[i] = (ratio * sample[i]) - (phi * predictedOriginal[i]) - (halfPhi * d1);
            }
        }

        predictedOriginal.CopyTo(Buffer(ref _previousOriginal, sample.Length));
    }
}
