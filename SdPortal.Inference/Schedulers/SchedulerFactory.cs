using SdPortal.Inference.Noise;

namespace SdPortal.Inference.Schedulers;

/// <summary>
/// Creates schedulers by the names A1111 and ComfyUI users know. Names are case-insensitive; snake-case ids
/// (euler_a, dpmpp_2m_karras, …) and "PLMS" for PNDM are accepted too.
/// </summary>
public static class SchedulerFactory
{
    private static readonly string[] CanonicalNames =
        ["DDIM", "PNDM", "LMS", "Euler", "Euler a", "Heun", "DPM++ 2M", "DPM++ 2M Karras", "UniPC", "LCM"];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["ddim"] = "DDIM",
        ["pndm"] = "PNDM",
        ["plms"] = "PNDM",
        ["lms"] = "LMS",
        ["euler"] = "Euler",
        ["eulera"] = "Euler a",
        ["eulerancestral"] = "Euler a",
        ["heun"] = "Heun",
        ["dpmpp2m"] = "DPM++ 2M",
        ["dpmpp2mkarras"] = "DPM++ 2M Karras",
        ["unipc"] = "UniPC",
        ["lcm"] = "LCM",
    };

    /// <summary>The scheduler names, in the order a UI should list them.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(CanonicalNames);

    /// <summary>
    /// Creates the scheduler <paramref name="name"/> for <paramref name="steps"/> inference steps. The stochastic ones
    /// (Euler a, LCM) draw their noise from <paramref name="noise"/>, which they require.
    /// </summary>
    /// <exception cref="ArgumentException">The name is unknown (the message lists the valid names), a stochastic
    /// scheduler got no noise source, or the config's prediction type is unsupported by the scheduler.</exception>
    /// <exception cref="ArgumentOutOfRangeException">steps is outside 1…150, above the training timesteps, or (LCM) above 50.</exception>
    public static IDiffusionScheduler Create(string name, SchedulerConfig config, int steps, INoiseSource? noise = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(config);
        var canonical = Canonical(name)
            ?? throw new ArgumentException(
                $"Unknown scheduler '{name}'. Valid names: {string.Join(", ", CanonicalNames)} (case-insensitive; also PLMS, and snake-case ids such as euler_a or dpmpp_2m_karras).",
                nameof(name));
        return canonical switch
        {
            "DDIM" => new DdimScheduler(config, steps),
            "PNDM" => new PndmScheduler(config, steps),
            "LMS" => new LmsScheduler(config, steps),
            "Euler" => new EulerScheduler(config, steps),
            "Euler a" => new EulerAncestralScheduler(config, steps, RequireNoise(canonical, noise)),
            "Heun" => new HeunScheduler(config, steps),
            "DPM++ 2M" => new DpmSolverMultistepScheduler(config, steps),
            "DPM++ 2M Karras" => new DpmSolverMultistepScheduler(config, steps, useKarrasSigmas: true),
            "UniPC" => new UniPcScheduler(config, steps),
            _ => new LcmScheduler(config, steps, RequireNoise(canonical, noise)),
        };
    }

    /// <summary>The canonical name for <paramref name="name"/>, or null when it names no scheduler.</summary>
    public static string? Canonical(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        const int Longest = 64;
        Span<char> key = stackalloc char[Longest];
        var length = 0;
        foreach (var ch in name)
        {
            if (ch is ' ' or '_' or '-')
            {
                continue; // "Euler a", "euler_a" and "euler-a" all become "eulera"
            }

            if (length == Longest)
            {
                return null;
            }

            key[length++] = ch == '+' ? 'p' : char.ToLowerInvariant(ch); // "DPM++" and "dpmpp" both become "dpmpp"
        }

        return Aliases.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key[..length], out var canonical) ? canonical : null;
    }

    private static INoiseSource RequireNoise(string name, INoiseSource? noise) =>
        noise ?? throw new ArgumentException($"{name} is stochastic and needs a noise source (e.g. SeededGaussianNoise).", nameof(noise));
}
