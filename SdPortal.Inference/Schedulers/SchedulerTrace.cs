namespace SdPortal.Inference.Schedulers;

/// <summary>
/// A deterministic run of a scheduler against a synthetic model, for comparing implementations (the scheduler-trace
/// command and the reference fixtures): a [1, 4, 8, 8] latent x[i] = sin(0.1·i)·InitNoiseSigma, and for each call i
/// x_in = ScaleModelInput(x, i), output = 0.1·x_in + 0.05·cos(t/100) with t = Timesteps[i], Step(output, i, x).
/// </summary>
public static class SchedulerTrace
{
    /// <summary>Elements of the traced latent (1·4·8·8).</summary>
    public const int Size = 256;

    /// <summary>Runs the trace and returns the final latent.</summary>
    public static float[] Run(IDiffusionScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        var x = new float[Size];
        var input = new float[Size];
        var output = new float[Size];
        var original = new float[Size];
        for (var i = 0; i < Size; i++)
        {
            x[i] = (float)Math.Sin(0.1 * i) * scheduler.InitNoiseSigma;
        }

        for (var call = 0; call < scheduler.Timesteps.Count; call++)
        {
            scheduler.ScaleModelInput(x, call, input);
            var shift = 0.05 * Math.Cos(scheduler.Timesteps[call] / 100);
            for (var i = 0; i < Size; i++)
            {
                output[i] = (float)((0.1 * input[i]) + shift);
            }

            scheduler.Step(output, call, x, original);
        }

        return x;
    }
}
