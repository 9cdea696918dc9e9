using SdPortal.Inference.Synthetic;

namespace SdPortal.Tests.Synthetic;

public sealed class SyntheticParameterCountTests
{
    // numel() sums of the runwayml/stable-diffusion-v1-5 modules (the position_ids buffer is not a parameter). The
    // synthetic graphs reproduce every module, so the counts must match exactly, not just within a few percent.
    private const long ClipTextModel = 123_060_480;
    private const long UNet2DConditionModel = 859_520_964;
    private const long VaeDecoderWithPostQuantConv = 49_490_199;
    private const long VaeEncoderWithQuantConv = 34_163_664;

    private static readonly SyntheticParameterCounts Sd15 = SyntheticModelFolder.CountParameters(SyntheticModelConfig.Sd15);

    [Fact]
    public void Sd15TextEncoder_HasClipViTL14TextModelSize() => Assert.Equal(ClipTextModel, Sd15.TextEncoder);

    [Fact]
    public void Sd15UNet_HasSd15UNetSize() => Assert.Equal(UNet2DConditionModel, Sd15.UNet);

    [Fact]
    public void Sd15VaeDecoder_HasAutoencoderKLDecoderSize() => Assert.Equal(VaeDecoderWithPostQuantConv, Sd15.VaeDecoder);

    [Fact]
    public void Sd15VaeEncoder_HasAutoencoderKLEncoderSize() => Assert.Equal(VaeEncoderWithQuantConv, Sd15.VaeEncoder);

    [Fact]
    public void TinyConfig_IsOrdersOfMagnitudeSmaller()
    {
        var tiny = SyntheticModelFolder.CountParameters(SyntheticModelConfig.Tiny);

        Assert.True(tiny.UNet * 500 < Sd15.UNet, $"tiny UNet has {tiny.UNet} parameters");
        Assert.True(tiny.Total * 100 < Sd15.Total, $"tiny model has {tiny.Total} parameters");
    }
}
