namespace SdPortal.Inference.Synthetic.Graph;

/// <summary>
/// How a parameter's values are drawn. Random weights are uniform in [−bound, bound]: the family PyTorch uses by
/// default for Linear and Conv layers, and an order of magnitude cheaper to draw than Gaussians, which matters for the
/// 1.07 billion values of a full SD 1.5 folder. With bound = √(3 / fan_in) the variance is 1/fan_in, the same as
/// N(0, 1/fan_in), so each layer keeps activations near unit scale and deep stacks stay finite, also in fp16.
/// </summary>
public readonly record struct WeightInit
{
    private WeightInit(bool random, float value)
    {
        IsRandom = random;
        Value = value;
    }

    /// <summary>True for uniform random values in [−<see cref="Value"/>, <see cref="Value"/>].</summary>
    public bool IsRandom { get; }

    /// <summary>The bound of a random init, or the value every element of a filled one takes.</summary>
    public float Value { get; }

    /// <summary>Variance 1/<paramref name="fanIn"/>, for weights and biases that feed <paramref name="fanIn"/> inputs.</summary>
    public static WeightInit FanIn(long fanIn)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        return new WeightInit(true, (float)Math.Sqrt(3.0 / fanIn));
    }

    /// <summary>Standard deviation <paramref name="std"/> (embeddings: CLIP initialises tokens with 0.02).</summary>
    public static WeightInit Std(double std) => new(true, (float)(Math.Sqrt(3.0) * std));

    /// <summary>Every element equal to <paramref name="value"/> (norm scales 1, norm shifts 0, as PyTorch initialises).</summary>
    public static WeightInit Fill(float value) => new(false, value);
}
