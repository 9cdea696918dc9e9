using SdPortal.Inference.Noise;
using SdPortal.Inference.Schedulers;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Schedulers;

public sealed class StochasticSchedulerTests
{
    private static readonly SchedulerConfig Sd15 = SchedulerConfig.Load(TestPaths.Sd15SchedulerConfig);

    [Theory]
    [InlineData("Euler a")]
    [InlineData("LCM")]
    public void Run_SameSeed_IsReproducible(string name)
    {
        var first = SchedulerTrace.Run(SchedulerFactory.Create(name, Sd15, 8, new SeededGaussianNoise(42)));
        var second = SchedulerTrace.Run(SchedulerFactory.Create(name, Sd15, 8, new SeededGaussianNoise(42)));

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("Euler a")]
    [InlineData("LCM")]
    public void Run_DifferentSeeds_Differ(string name)
    {
        var first = SchedulerTrace.Run(SchedulerFactory.Create(name, Sd15, 8, new SeededGaussianNoise(42)));
        var second = SchedulerTrace.Run(SchedulerFactory.Create(name, Sd15, 8, new SeededGaussianNoise(43)));

        var differing = 0;
        for (var i = 0; i < first.Length; i++)
        {
            differing += first[i] != second[i] ? 1 : 0;
        }

        Assert.True(differing > first.Length / 2, $"only {differing} of {first.Length} elements differ");
    }

    [Theory]
    [InlineData("Euler a")]
    [InlineData("LCM")]
    public void Run_WithNoise_DiffersFromTheNoiseFreeRun(string name)
    {
        var noisy = SchedulerTrace.Run(SchedulerFactory.Create(name, Sd15, 8, new SeededGaussianNoise(42)));
        var quiet = SchedulerTrace.Run(SchedulerFactory.Create(name, Sd15, 8, new ZeroNoise()));

        Assert.NotEqual(quiet, noisy);
    }

    [Fact]
    public void EulerAncestral_AddedNoise_HasTheAncestralStandardDeviation()
    {
        // With a zero model output (ε = 0, so x₀ = x and d = 0) the deterministic part leaves x unchanged; a noisy and a
        // noise-free step differ by exactly σ_up·z, whose sample standard deviation must be close to σ_up.
        const int Size = 4 * 64 * 64;
        var noisy = SchedulerFactory.Create("Euler a", Sd15, 20, new SeededGaussianNoise(7));
        var quiet = SchedulerFactory.Create("Euler a", Sd15, 20, new ZeroNoise());
        var output = new float[Size];
        var a = new float[Size];
        var b = new float[Size];
        var x0 = new float[Size];
        Array.Fill(a, 1f);
        Array.Fill(b, 1f);

        noisy.Step(output, 0, a, x0);
        quiet.Step(output, 0, b, x0);

        var sigma = noisy.Sigmas![0];
        var next = noisy.Sigmas[1];
        var sigmaUp = Math.Sqrt(next * next * ((sigma * sigma) - (next * next)) / (sigma * sigma));
        double sum = 0, sumSquares = 0;
        for (var i = 0; i < Size; i++)
        {
            var d = a[i] - b[i];
            sum += d;
            sumSquares += d * d;
        }

        var mean = sum / Size;
        var deviation = Math.Sqrt((sumSquares / Size) - (mean * mean));
        Assert.InRange(deviation, 0.97 * sigmaUp, 1.03 * sigmaUp);
        Assert.InRange(mean, -0.05 * sigmaUp, 0.05 * sigmaUp);
    }

    [Fact]
    public void Lcm_LastStep_AddsNoNoise()
    {
        var noisy = SchedulerFactory.Create("LCM", Sd15, 1, new SeededGaussianNoise(42));
        var quiet = SchedulerFactory.Create("LCM", Sd15, 1, new ZeroNoise());

        Assert.Equal(SchedulerTrace.Run(quiet), SchedulerTrace.Run(noisy));
        Assert.True(noisy.IsStochastic);
    }
}
