using SdPortal.Inference.Noise;

namespace SdPortal.Inference.Lora.Synthetic;

/// <summary>
/// Writes a LoRA adapter of random low-rank updates for a model folder, keyed exactly as a trainer would key it for
/// that model (kohya-ss or PEFT), so tests exercise the real key mapping: every attention projection of the UNet and
/// the text encoder, and the convolutions the model has (LoCon), each with its own seeded values.
/// </summary>
public static class SyntheticLora
{
    /// <summary>The safetensors bytes of an adapter of <paramref name="rank"/> for the model in <paramref name="modelFolder"/>.</summary>
    /// <param name="modelFolder">A model folder (its graphs are indexed to find the modules).</param>
    /// <param name="rank">The rank of every module.</param>
    /// <param name="seed">Seeds the values.</param>
    /// <param name="format">How keys are written.</param>
    /// <param name="alpha">The alpha stored per module (kohya only), or null to store none (scale 1).</param>
    /// <param name="magnitude">Standard deviation of the update's entries relative to 1/√in.</param>
    /// <param name="include">Which module paths to cover; by default attention projections, feed-forward layers and convolutions.</param>
    public static byte[] ForModel(
        string modelFolder,
        int rank,
        ulong seed,
        LoraFormat format = LoraFormat.Kohya,
        float? alpha = null,
        float magnitude = 0.5f,
        Func<ModelWeight, bool>? include = null)
    {
        include ??= IsTypicalTarget;
        var index = ModelWeightIndex.ForFolder(modelFolder);
        var entries = new List<SafetensorsWriter.Entry>();
        var moduleSeed = seed;
        foreach (var weight in index.TextEncoder.Weights.Concat(index.UNet.Weights).Where(include).OrderBy(w => w.Component).ThenBy(w => w.ModulePath, StringComparer.Ordinal))
        {
            var key = format == LoraFormat.Kohya
                ? ComponentWeights.KohyaPrefix(weight.Component) + weight.ModulePath.Replace('.', '_')
                : (weight.Component == LoraComponent.UNet ? "unet." : "text_encoder.") + weight.ModulePath;
            long[] downShape = weight.IsConvolution ? [rank, weight.Shape[1], weight.Shape[2], weight.Shape[3]] : [rank, weight.InFeatures];
            long[] upShape = weight.IsConvolution ? [weight.OutFeatures, rank, 1, 1] : [weight.OutFeatures, rank];
            var noise = new SeededGaussianNoise(moduleSeed++);
            var down = Draw(noise, rank * weight.InFeatures, magnitude / MathF.Sqrt(weight.InFeatures));
            var up = Draw(noise, weight.OutFeatures * rank, 1f / MathF.Sqrt(rank));
            var (downName, upName) = format == LoraFormat.Kohya ? (".lora_down.weight", ".lora_up.weight") : (".lora_A.weight", ".lora_B.weight");
            entries.Add(new(key + downName, SafetensorsDType.F16, downShape, down));
            entries.Add(new(key + upName, SafetensorsDType.F16, upShape, up));
            if (alpha is { } a && format == LoraFormat.Kohya)
            {
                entries.Add(new(key + ".alpha", SafetensorsDType.F32, [], [a]));
            }
        }

        return SafetensorsWriter.Write(entries, new Dictionary<string, string> { ["ss_network_dim"] = rank.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>Attention projections (to_q/k/v/out, q/k/v/out_proj), feed-forward layers, proj_in/out and resnet convolutions.</summary>
    public static bool IsTypicalTarget(ModelWeight weight) =>
        weight.ModulePath.Contains("attn", StringComparison.Ordinal)
        || weight.ModulePath.Contains(".ff.", StringComparison.Ordinal)
        || weight.ModulePath.Contains(".mlp.", StringComparison.Ordinal)
        || weight.ModulePath.EndsWith("proj_in", StringComparison.Ordinal)
        || weight.ModulePath.EndsWith("proj_out", StringComparison.Ordinal)
        || weight.ModulePath.Contains(".conv1", StringComparison.Ordinal)
        || weight.ModulePath.Contains(".conv2", StringComparison.Ordinal);

    private static float[] Draw(SeededGaussianNoise noise, long count, float std)
    {
        var values = new float[count];
        noise.NextGaussian(values);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] *= std;
        }

        return values;
    }
}
