using SdPortal.Inference.Hosting;

namespace SdPortal.Tests.Hosting;

public sealed class DeviceInventoryTests
{
    private static readonly string[] CpuOnly = ["CPUExecutionProvider"];

    [Fact]
    public void Resolve_Auto_WithoutCudaProvider_ServesTheCpu() =>
        Assert.Equal(["cpu"], DeviceInventory.Resolve("auto", CpuOnly));

    [Fact]
    public void Resolve_Auto_WhenCudaLibrariesDoNotLoad_ServesTheCpu()
    {
        // This machine has ORT's GPU build but no CUDA libraries: the provider is listed, yet cannot load.
        var providers = DeviceInventory.AvailableProviders();
        Assert.Contains(DeviceInventory.CudaProvider, providers);
        Assert.False(DeviceInventory.CudaLoads(0));

        Assert.Equal(["cpu"], DeviceInventory.Resolve("auto", providers));
    }

    [Fact]
    public void Resolve_ExplicitList_ServesEachDevice() =>
        Assert.Equal(["cuda:0", "cuda:1"], DeviceInventory.Resolve("cuda:0,cuda:1", [DeviceInventory.CudaProvider]));

    [Fact]
    public void Resolve_Cuda_WithoutCudaProvider_FailsNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DeviceInventory.Resolve("cuda:0", CpuOnly));
        Assert.Contains("Inference:Devices", error.Message, StringComparison.Ordinal);
    }
}
