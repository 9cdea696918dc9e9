using SdPortal.Inference.Lora;
using SdPortal.Inference.Lora.Synthetic;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Lora;

/// <summary>Adapter files are read whole and checked before anything uses them; every flaw is a clear <see cref="LoraFormatException"/>.</summary>
public sealed class LoraWeightsTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private const string Key = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q";

    [Theory]
    [InlineData(LoraFormat.Kohya)]
    [InlineData(LoraFormat.Peft)]
    public void ASyntheticAdapter_FitsTheModelItWasMadeFor_InEveryModule(LoraFormat format)
    {
        var weights = LoraWeights.Parse(SyntheticLora.ForModel(model.Directory, rank: 4, seed: 1, format));
        var match = ModelWeightIndex.ForFolder(model.Directory).Match(weights);

        Assert.Equal(format, weights.Format);
        Assert.True(match.Fits, string.Join(", ", match.UnmatchedKeys.Concat(match.Mismatched)));
        Assert.True(weights.TargetsTextEncoder);
        Assert.Contains(weights.Modules, m => m.IsConvolution && m.DownShape[2] == 3); // LoCon 3×3 resnet convolutions
        Assert.All(match.Targets, t => Assert.NotNull(t));
        Assert.Equal(4, weights.Rank);
    }

    [Fact]
    public void AnAdapterForAnotherModel_NamesTheKeysThatMatchNothing()
    {
        var file = SafetensorsWriter.Write(Module("lora_unet_up_blocks_9_attentions_0_proj_in", [2, 32], [32, 2]));

        var match = ModelWeightIndex.ForFolder(model.Directory).Match(LoraWeights.Parse(file));

        Assert.False(match.Fits);
        Assert.Equal(["lora_unet_up_blocks_9_attentions_0_proj_in"], match.UnmatchedKeys);
    }

    [Fact]
    public void AnUpdateOfTheWrongSize_IsMismatched()
    {
        var file = SafetensorsWriter.Write(Module(Key, [2, 31], [32, 2]));

        var match = ModelWeightIndex.ForFolder(model.Directory).Match(LoraWeights.Parse(file));

        Assert.Single(match.Mismatched);
        Assert.Contains("32×31", match.Mismatched[0], StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[]> HostileFiles() => new()
    {
        { "NaN", SafetensorsWriter.Write([.. Module(Key, [2, 32], [32, 2], fill: float.NaN)]) },
        { "infinite", SafetensorsWriter.Write([.. Module(Key, [2, 32], [32, 2], fill: float.PositiveInfinity)]) },
        { "lacks its up", SafetensorsWriter.Write([Module(Key, [2, 32], [32, 2])[0]]) },
        { "rank must agree", SafetensorsWriter.Write(Module(Key, [2, 32], [32, 3])) },
        { "two matrices", SafetensorsWriter.Write(Module(Key, [2, 32, 1], [32, 2, 1])) },
        { "not part of a LoRA module", SafetensorsWriter.Write([new("model.diffusion_model.weight", SafetensorsDType.F32, [2], [1, 2])]) },
        { "LyCORIS", SafetensorsWriter.Write([new(Key + ".hada_w1_a", SafetensorsDType.F32, [2], [1, 2])]) },
        { "names no Stable Diffusion", SafetensorsWriter.Write(Module("lora_te3_encoder_q_proj", [2, 32], [32, 2])) },
        { "one scheme per file", SafetensorsWriter.Write([.. Module(Key, [2, 32], [32, 2]), new("unet.mid_block.to_q.lora_A.weight", SafetensorsDType.F32, [1, 2], [1, 2]), new("unet.mid_block.to_q.lora_B.weight", SafetensorsDType.F32, [2, 1], [1, 2])]) },
        { "not a valid .safetensors", [1, 0, 0, 0, 0, 0, 0, 0, (byte)'{'] },
        { "no LoRA tensors", SafetensorsWriter.Write([]) },
    };

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void AHostileOrBrokenFile_IsRefusedSayingWhy(string reason, byte[] file)
    {
        var error = Assert.Throws<LoraFormatException>(() => LoraWeights.Parse(file));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    private static SafetensorsWriter.Entry[] Module(string key, long[] down, long[] up, float fill = 0.01f) =>
    [
        new($"{key}.lora_down.weight", SafetensorsDType.F16, down, Enumerable.Repeat(fill, (int)down.Aggregate(1L, (a, d) => a * d)).ToArray()),
        new($"{key}.lora_up.weight", SafetensorsDType.F16, up, Enumerable.Repeat(fill, (int)up.Aggregate(1L, (a, d) => a * d)).ToArray()),
    ];
}
