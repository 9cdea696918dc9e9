namespace SdPortal.Inference.Schedulers;

/// <summary>
/// The DDPM noise tables (Ho et al. 2020) exactly as diffusers builds them in float32 torch tensors on the CPU:
/// <list type="bullet">
/// <item>β: torch.linspace in float32 (a + step·i below the midpoint, b − step·(T−1−i) above, step = (b − a)/(T − 1));
/// scaled_linear squares a linspace of √β in float32; squaredcos_cap_v2 is β_i = min(1 − ᾱ(t_{i+1})/ᾱ(t_i), 0.999),
/// ᾱ(t) = cos²((t + 0.008)/1.008 · π/2), in double then rounded to float32.</item>
/// <item>α_i = 1 − β_i in float32.</item>
/// <item>ᾱ_i = Π_{k≤i} α_k: torch.cumprod on the CPU accumulates in double and rounds each output to float32.</item>
/// </list>
/// Values are stored as doubles that hold those float32 numbers, so every later formula starts from diffusers' inputs.
/// (torch may use FMA or other vector kernels on some CPUs; that moves a β by at most an ulp, ᾱ by ~1e-7 relative.)
/// </summary>
public sealed class NoiseSchedule
{
    private readonly double[] _betas;
    private readonly double[] _alphas;
    private readonly double[] _alphasCumprod;

    /// <summary>Builds the tables for <paramref name="numTrainTimesteps"/> training timesteps.</summary>
    public NoiseSchedule(int numTrainTimesteps, double betaStart, double betaEnd, BetaSchedule schedule)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numTrainTimesteps, 2);
        _betas = schedule switch
        {
            BetaSchedule.Linear => TorchLinspaceFloat32(betaStart, betaEnd, numTrainTimesteps),
            BetaSchedule.ScaledLinear => Squared(TorchLinspaceFloat32(Math.Sqrt(betaStart), Math.Sqrt(betaEnd), numTrainTimesteps)),
            BetaSchedule.SquaredCosCapV2 => CosineBetas(numTrainTimesteps),
            _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule, "Unknown beta schedule."),
        };
        _alphas = new double[numTrainTimesteps];
        _alphasCumprod = new double[numTrainTimesteps];
        var product = 1.0;
        for (var i = 0; i < numTrainTimesteps; i++)
        {
            var alpha = 1f - (float)_betas[i];     // α_i = 1 − β_i (float32)
            product *= alpha;                       // Π α_k, double accumulator
            _alphas[i] = alpha;
            _alphasCumprod[i] = (float)product;     // ᾱ_i rounded to float32
        }
    }

    /// <summary>The number of training timesteps T.</summary>
    public int Count => _betas.Length;

    /// <summary>β_t for t = 0..T−1.</summary>
    public IReadOnlyList<double> Betas => _betas;

    /// <summary>α_t = 1 − β_t.</summary>
    public IReadOnlyList<double> Alphas => _alphas;

    /// <summary>ᾱ_t = Π_{k≤t} α_k.</summary>
    public IReadOnlyList<double> AlphasCumprod => _alphasCumprod;

    /// <summary>The tables of a resolved configuration.</summary>
    internal static NoiseSchedule For(ResolvedSchedulerConfig config) =>
        new(config.NumTrainTimesteps, config.BetaStart, config.BetaEnd, config.BetaSchedule);

    /// <summary>ᾱ_t as float32, the value diffusers indexes.</summary>
    internal float AlphaCumprod(int t) => (float)_alphasCumprod[t];

    /// <summary>ᾱ for a "previous" timestep: the table below T, and ᾱ₀ or 1 (set_alpha_to_one) for t &lt; 0.</summary>
    internal float AlphaCumprodOrFinal(int t, bool setAlphaToOne) =>
        t >= 0 ? (float)_alphasCumprod[t] : setAlphaToOne ? 1f : (float)_alphasCumprod[0];

    private static double[] TorchLinspaceFloat32(double start, double end, int count)
    {
        var a = (float)start;
        var b = (float)end;
        var step = (b - a) / (count - 1);
        var half = count / 2;
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = i < half ? a + (step * i) : b - (step * (count - 1 - i));
        }

        return values;
    }

    private static double[] Squared(double[] roots)
    {
        for (var i = 0; i < roots.Length; i++)
        {
            var r = (float)roots[i];
            roots[i] = r * r; // β = (√β)² in float32
        }

        return roots;
    }

    private static double[] CosineBetas(int count)
    {
        static double AlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);

        var betas = new double[count];
        for (var i = 0; i < count; i++)
        {
            var t1 = (double)i / count;
            var t2 = (double)(i + 1) / count;
            betas[i] = (float)Math.Min(1 - (AlphaBar(t2) / AlphaBar(t1)), 0.999);
        }

        return betas;
    }
}
