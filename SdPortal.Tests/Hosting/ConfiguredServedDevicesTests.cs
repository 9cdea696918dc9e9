using Microsoft.Extensions.Options;
using SdPortal.Inference.Hosting;

namespace SdPortal.Tests.Hosting;

/// <summary>
/// The devices a web node without the engine sizes the job budget by (ADR-025): read from the setting alone, without
/// loading ONNX Runtime.
/// </summary>
public sealed class ConfiguredServedDevicesTests
{
    [Theory]
    [InlineData("auto", new[] { "cpu" })]
    [InlineData("cpu", new[] { "cpu" })]
    [InlineData("cuda:0", new[] { "cuda:0" })]
    [InlineData("cuda:0,cuda:1", new[] { "cuda:0", "cuda:1" })]
    public void TheSettingAlone_NamesTheDevices(string setting, string[] expected) =>
        Assert.Equal(expected, new ConfiguredServedDevices(Options.Create(new InferenceHostOptions { Devices = setting })).Names);
}
