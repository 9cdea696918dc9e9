using Microsoft.Extensions.Time.Testing;
using SdPortal.Inference.Batching;

namespace SdPortal.Tests.Batching;

/// <summary>Idle release of model sessions (Inference:Residency:IdleCloseSeconds) on a fake clock.</summary>
public sealed class ModelResidencyIdleTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(15);

    [Fact]
    public void AModelIdleForTheIdleTime_IsEvicted_OneIdleForLessIsKept()
    {
        var clock = new FakeTimeProvider();
        var residency = new ModelResidency(0, clock);
        residency.Acquire("old", 1);
        residency.Release("old");
        clock.Advance(TimeSpan.FromMinutes(10));
        residency.Acquire("recent", 1);
        residency.Release("recent");

        clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.Empty(residency.EvictIdleFor(Idle));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["old"], residency.EvictIdleFor(Idle));
        Assert.Equal(["recent"], residency.Resident);
    }

    [Fact]
    public void AModelWithAJobRunning_IsNeverEvictedForIdleness_ItsIdleTimeStartsWhenTheLastJobEnds()
    {
        var clock = new FakeTimeProvider();
        var residency = new ModelResidency(0, clock);
        residency.Acquire("m", 1);
        residency.Acquire("m", 1); // two jobs
        residency.Release("m");

        clock.Advance(Idle * 2);
        Assert.Empty(residency.EvictIdleFor(Idle));

        residency.Release("m");
        clock.Advance(Idle - TimeSpan.FromSeconds(1));
        Assert.Empty(residency.EvictIdleFor(Idle));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["m"], residency.EvictIdleFor(Idle));
        Assert.Empty(residency.Resident);
    }
}
