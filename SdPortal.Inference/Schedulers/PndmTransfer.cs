namespace SdPortal.Inference.Schedulers;

/// <summary>
/// PNDM's transfer part φ (Liu et al. 2022, eq. 11; diffusers' _get_prev_sample), in float32 like diffusers:
/// x_{t'} = √(ᾱ_{t'}/ᾱ_t)·x_t − (ᾱ_{t'} − ᾱ_t)·ε / (ᾱ_t·√(1 − ᾱ_{t'}) + √(ᾱ_t·(1 − ᾱ_t)·ᾱ_{t'})),
/// with ᾱ past t = 0 taken as ᾱ₀ (or 1 with set_alpha_to_one). v_prediction outputs, possibly already combined,
/// become ε = √ᾱ_t·v + √(1 − ᾱ_t)·x_t with the sample and timestep of the transfer (as diffusers does). Because v
/// depends on t, that makes PNDM with v_prediction slightly inexact even for a perfect model (diffusers' behaviour).
/// </summary>
internal sealed class PndmTransfer(NoiseSchedule schedule, PredictionType prediction, bool setAlphaToOne)
{
    /// <summary>destination = φ(from, output, t, tPrev); destination may be <paramref name="from"/>.</summary>
    public void Apply(ReadOnlySpan<float> from, ReadOnlySpan<float> output, int t, int tPrev, Span<float> destination)
    {
        var alphaProd = schedule.AlphaCumprod(t);
        var alphaProdPrev = schedule.AlphaCumprodOrFinal(tPrev, setAlphaToOne);
        var betaProd = 1f - alphaProd;
        var betaProdPrev = 1f - alphaProdPrev;
        var a = MathF.Sqrt(alphaProd);
        var b = MathF.Sqrt(betaProd);
        var sampleCoefficient = MathF.Sqrt(alphaProdPrev / alphaProd);
        var difference = alphaProdPrev - alphaProd;
        var denominator = (alphaProd * MathF.Sqrt(betaProdPrev)) + MathF.Sqrt(alphaProd * betaProd * alphaProdPrev);
        for (var i = 0; i < destination.Length; i++)
        {
            var x = from[i];
            var eps = ModelOutputConversion.VpEpsilon(prediction, output[i], x, a, b);
            destination[i] = (sampleCoefficient * x) - (difference * eps / denominator);
        }
    }

    /// <summary>The x₀ implied by one output at its own timestep: (x − √(1 − ᾱ_t)·ε)/√ᾱ_t, or √ᾱ_t·x − √(1 − ᾱ_t)·v.</summary>
    public void ImpliedOriginal(ReadOnlySpan<float> output, ReadOnlySpan<float> sample, int t, Span<float> destination)
    {
        var alphaProd = schedule.AlphaCumprod(t);
        var a = MathF.Sqrt(alphaProd);
        var b = MathF.Sqrt(1f - alphaProd);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = ModelOutputConversion.VpOriginal(prediction, output[i], sample[i], a, b);
        }
    }
}
