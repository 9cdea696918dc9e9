using SdPortal.Inference.Schedulers;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Schedulers;

/// <summary>
/// A first-principles check independent of diffusers and of the reference fixtures: a model that knows the clean
/// sample x₀ answers every call exactly (x_in = √ᾱ·x₀ + √(1−ᾱ)·ε, so ε = (x_in − √ᾱ·x₀)/√(1−ᾱ), v = √ᾱ·ε − √(1−ᾱ)·x₀).
/// The noise direction then never changes and every deterministic sampler is exact: the sigma samplers end at x₀;
/// DDIM and PNDM end at ᾱ₀ (their last step goes past t = 0 to ᾱ₀ with set_alpha_to_one false), i.e. at
/// √ᾱ₀·x₀ + √(1−ᾱ₀)·n with n the initial noise direction.
/// </summary>
public sealed class OracleDenoiserSchedulerTests
{
    private const int Size = 64;
    private static readonly SchedulerConfig Sd15 = SchedulerConfig.Load(TestPaths.Sd15SchedulerConfig);
    private static readonly NoiseSchedule Tables = new(1000, 0.00085, 0.012, BetaSchedule.ScaledLinear);

    public static TheoryData<string, PredictionType, int> Cases()
    {
        var data = new TheoryData<string, PredictionType, int>();
        foreach (var name in new[] { "DDIM", "PNDM", "LMS", "Euler", "Heun", "DPM++ 2M", "DPM++ 2M Karras", "UniPC" })
        {
            foreach (var prediction in new[] { PredictionType.Epsilon, PredictionType.VPrediction, PredictionType.Sample })
            {
                // PNDM: no sample prediction (as diffusers); and diffusers' PNDM combines raw v outputs of different
                // timesteps before turning them into ε, which is not exact for v (see PndmTransfer), so v is left out.
                if (name != "PNDM" || prediction == PredictionType.Epsilon)
                {
                    data.Add(name, prediction, 12);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sampler_WithOracleModel_LandsOnTheExactSolution(string name, PredictionType prediction, int steps)
    {
        var scheduler = SchedulerFactory.Create(name, Sd15.WithPrediction(prediction), steps);
        var (clean, noise) = (new double[Size], new double[Size]);
        var x = new float[Size];
        for (var i = 0; i < Size; i++)
        {
            clean[i] = 0.5 * Math.Cos(0.3 * i);
            noise[i] = Math.Sin((1.7 * i) + 0.3);
            x[i] = (float)noise[i] * scheduler.InitNoiseSigma;
        }

        var (input, output, original) = (new float[Size], new float[Size], new float[Size]);
        for (var call = 0; call < scheduler.Timesteps.Count; call++)
        {
            scheduler.ScaleModelInput(x, call, input);
            var alphaBar = AlphaBar(scheduler, call);
            var (a, b) = (Math.Sqrt(alphaBar), Math.Sqrt(1 - alphaBar));
            for (var i = 0; i < Size; i++)
            {
                var eps = (input[i] - (a * clean[i])) / b;
                output[i] = (float)(prediction switch
                {
                    PredictionType.Epsilon => eps,
                    PredictionType.VPrediction => (a * eps) - (b * clean[i]),
                    _ => clean[i],
                });
            }

            scheduler.Step(output, call, x, original);
        }

        var expected = ExpectedFinal(scheduler, clean, noise);
        for (var i = 0; i < Size; i++)
        {
            Assert.True(Math.Abs(x[i] - expected[i]) < 2e-4, $"{name} {prediction}: element {i} is {x[i]}, expected {expected[i]}");
        }
    }

    // ᾱ of the call: the table at an integer timestep for DDPM-style schedulers, 1/(σ² + 1) for the sigma ones.
    private static double AlphaBar(IDiffusionScheduler scheduler, int call)
    {
        if (scheduler.Sigmas is { } sigmas)
        {
            return 1 / ((sigmas[call] * sigmas[call]) + 1);
        }

        return Tables.AlphasCumprod[(int)scheduler.Timesteps[call]];
    }

    private static double[] ExpectedFinal(IDiffusionScheduler scheduler, double[] clean, double[] noise)
    {
        if (scheduler.Sigmas is not null)
        {
            return clean; // σ_N = 0
        }

        // The initial sample n = √ᾱ_T·x₀ + √(1−ᾱ_T)·n' fixes the direction n'; the end point is at ᾱ₀.
        var alphaBarStart = Tables.AlphasCumprod[(int)scheduler.Timesteps[0]];
        var alphaBarEnd = Tables.AlphasCumprod[0];
        var expected = new double[clean.Length];
        for (var i = 0; i < clean.Length; i++)
        {
            var direction = (noise[i] - (Math.Sqrt(alphaBarStart) * clean[i])) / Math.Sqrt(1 - alphaBarStart);
            expected[i] = (Math.Sqrt(alphaBarEnd) * clean[i]) + (Math.Sqrt(1 - alphaBarEnd) * direction);
        }

        return expected;
    }
}
