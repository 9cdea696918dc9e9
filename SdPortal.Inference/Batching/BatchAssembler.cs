namespace SdPortal.Inference.Batching;

/// <summary>
/// Chooses which waiting jobs share the next UNet call. Jobs are taken in the order they were last served (new jobs,
/// never served, first, by arrival), so when more is waiting than one call holds they advance round-robin: with equal
/// jobs every job runs once in each ⌈waiting samples ÷ capacity⌉ calls. The leader's compatible followers fill the call in the same
/// order while they fit; one that does not fit is skipped, not waited for, so a large job never stalls small ones.
/// </summary>
internal static class BatchAssembler
{
    /// <summary>
    /// Picks the members of the next call from <paramref name="waiting"/> (not empty). <paramref name="capacity"/> bounds
    /// the samples of a call; a leader larger than it still runs, alone.
    /// </summary>
    public static List<T> Select<T>(IReadOnlyList<T> waiting, int capacity)
        where T : IStepCandidate
    {
        ArgumentOutOfRangeException.ThrowIfZero(waiting.Count);
        var order = new List<T>(waiting);
        order.Sort(static (a, b) => a.LastServed != b.LastServed ? a.LastServed.CompareTo(b.LastServed) : a.Arrival.CompareTo(b.Arrival));

        var leader = order[0];
        var members = new List<T> { leader };
        var room = capacity - leader.Samples;
        for (var i = 1; i < order.Count && room > 0; i++)
        {
            var candidate = order[i];
            if (candidate.Samples <= room && Compatible(leader, candidate))
            {
                members.Add(candidate);
                room -= candidate.Samples;
            }
        }

        return members;
    }

    private static bool Compatible(IStepCandidate leader, IStepCandidate candidate) =>
        leader.Key == candidate.Key
        && (!leader.Key.SharedTimestep || leader.Timestep.Equals(candidate.Timestep));
}
