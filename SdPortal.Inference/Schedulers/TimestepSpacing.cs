namespace SdPortal.Inference.Schedulers;

/// <summary>How inference timesteps are picked from the training timesteps (diffusers' <c>timestep_spacing</c>).</summary>
public enum TimestepSpacing
{
    /// <summary>Multiples of T / N from 0, plus steps_offset ("leading"): 981, 961, …, 1 for T = 1000, N = 50, offset 1.</summary>
    Leading,

    /// <summary>Evenly spaced from T − 1 down to 0 ("linspace").</summary>
    Linspace,

    /// <summary>Evenly spaced from T down, minus one ("trailing"): always starts at T − 1.</summary>
    Trailing,
}
