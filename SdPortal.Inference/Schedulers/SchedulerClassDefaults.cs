namespace SdPortal.Inference.Schedulers;

/// <summary>
/// The defaults of one diffusers scheduler class for the settings the classes disagree on (their __init__ signatures,
/// diffusers 0.36). Every class defaults num_train_timesteps 1000, prediction_type epsilon and steps_offset 0.
/// </summary>
internal sealed record SchedulerClassDefaults(
    double BetaStart,
    double BetaEnd,
    BetaSchedule BetaSchedule,
    TimestepSpacing TimestepSpacing,
    bool ClipSample,
    bool SetAlphaToOne)
{
    /// <summary>DDIMScheduler: leading spacing, clip_sample and set_alpha_to_one on.</summary>
    public static SchedulerClassDefaults Ddim { get; } = new(0.0001, 0.02, BetaSchedule.Linear, TimestepSpacing.Leading, true, true);

    /// <summary>PNDMScheduler: leading spacing, set_alpha_to_one off.</summary>
    public static SchedulerClassDefaults Pndm { get; } = new(0.0001, 0.02, BetaSchedule.Linear, TimestepSpacing.Leading, false, false);

    /// <summary>EulerDiscrete, EulerAncestralDiscrete and LMSDiscrete: linspace spacing.</summary>
    public static SchedulerClassDefaults KarrasStyle { get; } = new(0.0001, 0.02, BetaSchedule.Linear, TimestepSpacing.Linspace, false, false);

    /// <summary>HeunDiscreteScheduler: linspace spacing, β from 0.00085 to 0.012.</summary>
    public static SchedulerClassDefaults Heun { get; } = new(0.00085, 0.012, BetaSchedule.Linear, TimestepSpacing.Linspace, false, false);

    /// <summary>DPMSolverMultistep and UniPCMultistep: linspace spacing (the default since diffusers 0.18).</summary>
    public static SchedulerClassDefaults Multistep { get; } = new(0.0001, 0.02, BetaSchedule.Linear, TimestepSpacing.Linspace, false, false);

    /// <summary>LCMScheduler: the SD β schedule, leading spacing (unused: LCM picks its own timesteps).</summary>
    public static SchedulerClassDefaults Lcm { get; } = new(0.00085, 0.012, BetaSchedule.ScaledLinear, TimestepSpacing.Leading, false, true);
}
