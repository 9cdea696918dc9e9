using SdPortal.Inference.Batching;

namespace SdPortal.Tests.Batching;

/// <summary>The VRAM budget with LRU eviction of idle model sessions, with fake sizes in GB.</summary>
public sealed class ModelResidencyTests
{
    private const long Gb = 1L << 30;

    [Fact]
    public void Acquire_WithinBudget_EvictsNothing()
    {
        var residency = new ModelResidency(10 * Gb);

        Assert.Empty(residency.Acquire("a", 4 * Gb));
        Assert.Empty(residency.Acquire("b", 4 * Gb));
        Assert.Equal(8 * Gb, residency.UsedBytes);
    }

    [Fact]
    public void Acquire_OverBudget_EvictsIdleModelsLeastRecentlyUsedFirstUntilItFits()
    {
        var residency = new ModelResidency(10 * Gb);
        residency.Acquire("a", 3 * Gb);
        residency.Acquire("b", 3 * Gb);
        residency.Acquire("c", 3 * Gb);
        residency.Release("b"); // b idle first
        residency.Release("a"); // then a
        residency.Release("c"); // c last

        Assert.Equal(["b", "a"], residency.Acquire("d", 6 * Gb));
        Assert.Equal(["c", "d"], residency.Resident.Order());
    }

    [Fact]
    public void Acquire_NeverEvictsAModelWithJobsRunning_AndAdmitsOverBudgetWhenNothingIsIdle()
    {
        var residency = new ModelResidency(10 * Gb);
        residency.Acquire("busy", 6 * Gb);
        residency.Acquire("idle", 2 * Gb);
        residency.Release("idle");

        Assert.Equal(["idle"], residency.Acquire("big", 6 * Gb));
        Assert.Contains("busy", residency.Resident);
        Assert.True(residency.OverBudget);
    }

    [Fact]
    public void Acquire_AResidentModel_CountsAnotherJobAndKeepsItFromEviction()
    {
        var residency = new ModelResidency(8 * Gb);
        residency.Acquire("a", 4 * Gb);
        residency.Acquire("a", 4 * Gb);
        residency.Release("a");

        Assert.Empty(residency.Acquire("b", 4 * Gb));
        Assert.Empty(residency.Acquire("c", 1 * Gb)); // a still has one job and b has one: neither may go
        Assert.Equal(["a", "b", "c"], residency.Resident.Order());
    }

    [Fact]
    public void Acquire_WithoutABudget_KeepsEverything()
    {
        var residency = new ModelResidency(0);
        residency.Acquire("a", 100 * Gb);
        residency.Release("a");

        Assert.Empty(residency.Acquire("b", 100 * Gb));
        Assert.False(residency.OverBudget);
    }
}
