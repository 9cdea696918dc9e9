using Microsoft.ML.OnnxRuntime;
using SdPortal.Inference.Synthetic;
using Xunit.Abstractions;

namespace SdPortal.Tests.Synthetic;

/// <summary>
/// The numerical proof of the fusion where this machine can give one: the fused text encoder (com.microsoft.Attention
/// with the merged, derived QKV weight) against the plain one (separate projections, MatMul/Softmax, additive causal
/// mask) of the same seed, both on ONNX Runtime's CPU provider. The fused UNet and VAE decoder cannot run here (their
/// GroupNorm, SkipGroupNorm, NhwcConv, BiasSplitGelu and BiasAdd have no CPU kernel, see
/// <see cref="FusedOperatorCpuSupportTests"/>), so their equivalence is checked structurally and remains to be measured
/// on a GPU (docs/benchmarks.md).
/// </summary>
[Collection(TinySyntheticSuite.Name)]
public sealed class FusedTextEncoderTests(TinySyntheticFolders folders, ITestOutputHelper output)
{
    // float32 sums in another order (one [d, 3d] GEMM, ORT's attention kernel) differ in the last bits; the states are
    // LayerNorm outputs of order 1, so 1e-5 is ~100 ulps and any wrong weight, head order or mask is far above it.
    private const float Fp32Tolerance = 1e-5f;

    [Fact]
    public void FusedTextEncoder_MatchesThePlainFormOfTheSameWeights()
    {
        // The reference runs unoptimised: ORT's CPU attention fusion would otherwise rewrite the plain graph into the
        // same Attention kernel and the comparison would prove nothing (it then agrees to the bit).
        var plain = Encode(folders.Fp32, GraphOptimizationLevel.ORT_DISABLE_ALL);
        var fused = Encode(folders.Write("fused-fp32", new SyntheticWriteOptions { Form = SyntheticForm.Fused }));

        foreach (var name in new[] { "last_hidden_state", "pooler_output" })
        {
            Assert.Equal(plain[name].Shape, fused[name].Shape);
            var difference = MaxAbsDifference(plain[name].Values, fused[name].Values);
            output.WriteLine($"{name}: max |plain − fused| = {difference:E2} over {plain[name].Values.Length} values (tolerance {Fp32Tolerance:E0})");
            Assert.InRange(difference, 0, Fp32Tolerance);
        }

        Assert.True(plain["last_hidden_state"].Values.Max(Math.Abs) > 0.1f); // the comparison is not of near-zero tensors
    }

    [Fact]
    public void FusedTextEncoder_WithAnotherSeed_DiffersFromThePlainForm()
    {
        var plain = Encode(folders.Fp32, GraphOptimizationLevel.ORT_DISABLE_ALL);
        var fused = Encode(folders.Write("fused-seed-1", new SyntheticWriteOptions { Form = SyntheticForm.Fused, Seed = 1 }));

        Assert.True(MaxAbsDifference(plain["last_hidden_state"].Values, fused["last_hidden_state"].Values) > 0.1f);
    }

    private static IReadOnlyDictionary<string, TestTensor> Encode(
        string folder, GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        using var model = new OnnxTestModel(Path.Combine(folder, "text_encoder", "model.onnx"), optimization);
        var (ids, shape) = TestInputs.Ids(TestInputs.PhotoOfACat, [320, 2368]);
        return model.Run(("input_ids", ids, shape));
    }

    private static float MaxAbsDifference(float[] a, float[] b) => a.Zip(b).Max(p => Math.Abs(p.First - p.Second));
}
