namespace SdPortal.Inference.Schedulers;

/// <summary>
/// Where image-to-image (and inpainting) enters the schedule, as diffusers' StableDiffusionImg2ImgPipeline.get_timesteps:
/// init_timestep = min(int(steps × strength), steps), t_start = max(steps − init_timestep, 0), and the run is
/// <c>Timesteps[t_start × order..]</c> with <c>set_begin_index(t_start × order)</c>. The pipeline noises the encoded
/// image with <see cref="IDiffusionScheduler.AddNoise"/> at the begin index and then makes
/// <c>Timesteps.Count − BeginIndex</c> model calls. LCM takes the same generic slicing (the img2img pipeline run with
/// an LCMScheduler), not LatentConsistencyModelImg2ImgPipeline's strength-aware set_timesteps.
/// </summary>
public static class ImageToImageStart
{
    /// <summary>
    /// diffusers' init_timestep: min(int(steps × strength), steps), the inference steps that run. The product is a
    /// double, truncated toward zero like Python's int(), so e.g. 10 × 0.7 = 7.000000000000001 gives 7 and
    /// 100 × 0.29 = 28.999999999999996 gives 28, as in diffusers.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">steps is below 1, or strength is not within (0, 1].</exception>
    public static int DenoisingSteps(int steps, double strength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (!double.IsFinite(strength) || strength is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(strength), strength, "Strength must be within (0, 1].");
        }

        return Math.Min((int)(steps * strength), steps);
    }

    /// <summary>
    /// The begin index for <paramref name="steps"/> inference steps at <paramref name="strength"/>: t_start × order.
    /// Strength 1 gives 0 (the whole schedule, as text-to-image). Pass it to <see cref="IDiffusionScheduler.SetBeginIndex"/>
    /// and <see cref="IDiffusionScheduler.AddNoise"/>; the model calls that run are <c>Timesteps.Count − BeginIndex</c>
    /// (Heun: 2·init_timestep − 1; PNDM with PLMS: init_timestep + 1, its warm-up step evaluates twice).
    /// </summary>
    /// <param name="scheduler">The scheduler built for <paramref name="steps"/> steps.</param>
    /// <param name="steps">The inference steps the scheduler was built for.</param>
    /// <param name="strength">The denoising strength, within (0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// Out-of-range steps or strength, or int(steps × strength) is 0: diffusers would run no model call at all.
    /// </exception>
    public static int BeginIndex(IDiffusionScheduler scheduler, int steps, double strength)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        var denoising = DenoisingSteps(steps, strength);
        if (denoising < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(strength), strength, $"int({steps} × {strength}) = 0: no denoising step would run.");
        }

        var begin = Math.Max(steps - denoising, 0) * scheduler.Order;
        if (begin >= scheduler.Timesteps.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(steps), steps, $"{scheduler.Name} has {scheduler.Timesteps.Count} model calls, not built for {steps} steps.");
        }

        return begin;
    }
}
