using SdPortal.Inference.Noise;

namespace SdPortal.Tests.Synthetic;

/// <summary>Deterministic inputs for the synthetic models.</summary>
internal static class TestInputs
{
    public const int StartOfText = 49406;
    public const int EndOfText = 49407;

    /// <summary>N(0, 1) values of the given shape.</summary>
    public static (float[] Data, long[] Shape) Gaussian(ulong seed, params long[] shape)
    {
        var data = new float[shape.Aggregate(1L, (a, d) => a * d)];
        new SeededGaussianNoise(seed).NextGaussian(data);
        return (data, shape);
    }

    /// <summary>
    /// One row of 77 ids per prompt: start token, the prompt's tokens, end token, then end tokens as padding (as SD 1.x
    /// tokenizers pad). The first end token sits at <c>prompt.Length + 1</c>.
    /// </summary>
    public static (long[] Data, long[] Shape) Ids(params int[][] prompts)
    {
        var data = new long[prompts.Length * 77];
        for (var b = 0; b < prompts.Length; b++)
        {
            var row = data.AsSpan(b * 77, 77);
            row.Fill(EndOfText);
            row[0] = StartOfText;
            for (var i = 0; i < prompts[b].Length; i++)
            {
                row[i + 1] = prompts[b][i];
            }
        }

        return (data, [prompts.Length, 77]);
    }

    /// <summary>"a photo of a cat" in the CLIP vocabulary.</summary>
    public static int[] PhotoOfACat => [320, 1125, 539, 320, 2368];
}
