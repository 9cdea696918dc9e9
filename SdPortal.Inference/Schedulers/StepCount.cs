namespace SdPortal.Inference.Schedulers;

/// <summary>The accepted number of inference steps.</summary>
public static class StepCount
{
    /// <summary>The fewest steps a scheduler accepts.</summary>
    public const int Min = 1;

    /// <summary>The most steps a scheduler accepts (also never more than the training timesteps).</summary>
    public const int Max = 150;

    /// <summary>Throws unless Min ≤ steps ≤ min(Max, training timesteps, <paramref name="schedulerLimit"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The step count is outside the range; the message gives the range.</exception>
    internal static void Validate(string scheduler, int steps, int numTrainTimesteps, int schedulerLimit = int.MaxValue, string? limitReason = null)
    {
        var max = Math.Min(Math.Min(Max, numTrainTimesteps), schedulerLimit);
        if (steps < Min || steps > max)
        {
            var reason = max == schedulerLimit && limitReason is not null
                ? $" ({limitReason})"
                : max < Max ? $" (the model has {numTrainTimesteps} training timesteps)" : string.Empty;
            throw new ArgumentOutOfRangeException(
                nameof(steps), steps, $"{scheduler}: steps must be between {Min} and {max}{reason}; got {steps}.");
        }
    }
}
