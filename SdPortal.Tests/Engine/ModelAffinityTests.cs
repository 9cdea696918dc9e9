using SdPortal.Inference.Engine;

namespace SdPortal.Tests.Engine;

/// <summary>Which device a job goes to: one with its model open, unless that one is much busier; then the least busy.</summary>
public sealed class ModelAffinityTests
{
    private static readonly string[] Devices = ["cuda:0", "cuda:1", "cuda:2"];

    [Fact]
    public void Choose_NoDeviceHasTheModel_TakesTheLeastBusy_FirstListedOnATie()
    {
        Assert.Equal("cuda:1", Choose(jobs: [2, 0, 1], loaded: []));
        Assert.Equal("cuda:0", Choose(jobs: [0, 0, 0], loaded: []));
    }

    [Fact]
    public void Choose_PrefersADeviceWithTheModelOpen_EvenIfBusierWithinTheSlack()
    {
        Assert.Equal("cuda:2", Choose(jobs: [0, 0, 2], loaded: ["cuda:2"]));
        Assert.Equal("cuda:0", Choose(jobs: [0, 0, 0], loaded: ["cuda:0", "cuda:2"]));
    }

    [Fact]
    public void Choose_AmongDevicesWithTheModel_TakesTheLeastBusy()
    {
        Assert.Equal("cuda:2", Choose(jobs: [0, 3, 1], loaded: ["cuda:1", "cuda:2"]));
    }

    [Fact]
    public void Choose_SpillsToTheLeastBusyDevice_WhenTheWarmOneIsBeyondTheSlack()
    {
        Assert.Equal("cuda:1", Choose(jobs: [3, 0, 1], loaded: ["cuda:0"]));
        Assert.Equal("cuda:1", Choose(jobs: [1, 0, 1], loaded: ["cuda:0"], slack: 0));
    }

    [Fact]
    public void ResidencyBudget_IsOffOnTheCpuUnlessConfigured_AndAShareOfAGpusKnownMemory()
    {
        const long Gpu = 80L << 30;

        Assert.Equal(0, new ResidencyOptions().BudgetFor("cpu", null));
        Assert.Equal(40L << 30, new ResidencyOptions().BudgetFor("cuda:0", Gpu));
        Assert.Equal(0, new ResidencyOptions().BudgetFor("cuda:0", null)); // no NVML: no budget rather than a guess
        Assert.Equal(1234, new ResidencyOptions { BudgetBytes = 1234 }.BudgetFor("cpu", null));
        Assert.Equal(1234, new ResidencyOptions { BudgetBytes = 1234 }.BudgetFor("cuda:0", Gpu));
        Assert.Equal(60L << 30, new ResidencyOptions { DeviceMemoryFraction = 0.75 }.BudgetFor("cuda:1", Gpu));
    }

    private static string Choose(int[] jobs, string[] loaded, int slack = 2) =>
        ModelAffinity.Choose(Devices, d => jobs[Array.IndexOf(Devices, d)], loaded.Contains, slack);
}
