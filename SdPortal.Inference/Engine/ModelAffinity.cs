namespace SdPortal.Inference.Engine;

/// <summary>
/// Which device a job goes to when the process has several: one that already has the job's model open, the least busy
/// of those, unless it runs more than <c>slack</c> jobs beyond the least busy device; otherwise the least busy device.
/// Ties go to the device listed first, so the choice is deterministic.
/// </summary>
public static class ModelAffinity
{
    /// <summary>Chooses among <paramref name="devices"/> (in order) by their running jobs and open models.</summary>
    /// <param name="devices">The devices, in their configured order; at least one.</param>
    /// <param name="jobsRunning">Jobs each device runs now.</param>
    /// <param name="hasModel">Whether a device has the job's model open.</param>
    /// <param name="slack">How many more jobs a device with the model may run than the least busy one and still be chosen.</param>
    public static string Choose(IReadOnlyList<string> devices, Func<string, int> jobsRunning, Func<string, bool> hasModel, int slack)
    {
        ArgumentOutOfRangeException.ThrowIfZero(devices.Count);
        var leastBusy = devices.MinBy(jobsRunning)!;
        var warm = devices.Where(hasModel).MinBy(jobsRunning);
        return warm is not null && jobsRunning(warm) - jobsRunning(leastBusy) <= slack ? warm : leastBusy;
    }
}
