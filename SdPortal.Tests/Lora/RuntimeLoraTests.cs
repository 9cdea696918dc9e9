using SdPortal.Inference.Lora;
using SdPortal.Inference.Lora.Synthetic;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;
using SdPortal.Tests.Batching;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Lora;

/// <summary>
/// Adapters applied at run time (overridable initializers, ADR-021) give the image of a model whose weights were
/// merged offline with the same formula; the stored weights are untouched for every other job.
/// </summary>
public sealed class RuntimeLoraTests(TinyAdapterModelFixture model, TinyExternalDataAdapterModelFixture external)
    : IClassFixture<TinyAdapterModelFixture>, IClassFixture<TinyExternalDataAdapterModelFixture>
{
    /// <summary>Pixel tolerance between the runtime patch (float) and the offline merge (double, rounded to float).</summary>
    private const int Tolerance = 2;

    [Theory]
    [InlineData(false, LoraFormat.Kohya, 0.8)]
    [InlineData(false, LoraFormat.Kohya, -1.5)]
    [InlineData(true, LoraFormat.Peft, 1.0)]
    public async Task AnAdapterAtWeightW_GivesTheImageOfTheModelMergedOfflineWithIt(bool externalData, LoraFormat format, double weight)
    {
        var fixture = externalData ? external : (SyntheticModelFixture)model;
        var adapter = SyntheticLora.ForModel(fixture.Directory, rank: 4, seed: 11, format, alpha: format == LoraFormat.Kohya ? 2f : null);
        var merged = Path.Combine(Path.GetTempPath(), "sdportal-tests", $"merged-{Guid.NewGuid():N}");
        OfflineLoraMerge.Write(fixture.Directory, merged, adapter, weight);
        try
        {
            using var mergedModel = StableDiffusionModelFolder.Open(merged, InferenceDevice.Cpu);
            var expected = await new StableDiffusionPipeline(mergedModel).GenerateAsync(TestRequests.Small(5));
            var patched = await fixture.Pipeline.GenerateAsync(WithAdapter(TestRequests.Small(5), "product", adapter, weight));
            var plain = await fixture.Pipeline.GenerateAsync(TestRequests.Small(5));

            var difference = MaxDifference(expected.Images[0].Png, patched.Images[0].Png);
            Assert.True(difference <= Tolerance, $"runtime and offline merge differ by {difference} levels");
            Assert.True(MaxDifference(plain.Images[0].Png, patched.Images[0].Png) > 20, "the adapter changed nothing visible");
        }
        finally
        {
            Directory.Delete(merged, recursive: true);
        }
    }

    [Fact]
    public async Task WeightZero_GivesTheBaseImageExactly_AndBuildsNoPatch()
    {
        var adapter = SyntheticLora.ForModel(model.Directory, rank: 4, seed: 12);
        var before = model.Model.Adapters!.Count;

        var zero = await model.Pipeline.GenerateAsync(WithAdapter(TestRequests.Small(6), "product", adapter, 0));
        var plain = await model.Pipeline.GenerateAsync(TestRequests.Small(6));

        Assert.Equal(PngInspection.Pixels(plain.Images[0].Png), PngInspection.Pixels(zero.Images[0].Png));
        Assert.Equal(before, model.Model.Adapters.Count);
    }

    [Fact]
    public async Task APatchableModel_WithoutAdapters_GivesTheImageOfTheModelOpenedAsStored_WithinOneLevel()
    {
        using var stored = StableDiffusionModelFolder.Open(model.Directory, InferenceDevice.Cpu);
        Assert.False(stored.SupportsAdapters);
        Assert.True(model.Model.SupportsAdapters);

        var expected = await new StableDiffusionPipeline(stored).GenerateAsync(TestRequests.Small(7));
        var actual = await model.Pipeline.GenerateAsync(TestRequests.Small(7));

        // ONNX Runtime cannot prepack or fold an overridable weight, so the patchable session rounds a little differently.
        Assert.True(MaxDifference(expected.Images[0].Png, actual.Images[0].Png) <= 1);
    }

    [Fact]
    public async Task JobsWithDifferentAdapters_RunningAtOnce_EachGetTheirOwnImage_AndAJobWithoutOneAfterwardsGetsTheBase()
    {
        var first = SyntheticLora.ForModel(model.Directory, rank: 4, seed: 21);
        var second = SyntheticLora.ForModel(model.Directory, rank: 8, seed: 22, format: LoraFormat.Peft);
        GenerationSpec[] requests =
        [
            WithAdapter(TestRequests.Small(1), "first", first, 1),
            WithAdapter(TestRequests.Small(1), "second", second, 0.7),
            WithAdapter(TestRequests.Small(2), "first", first, 1),
            TestRequests.Small(1),
        ];
        using var harness = new BatcherHarness(model, BatcherHarness.Padded, holdCall: 1);

        var runs = requests.Select(r => harness.Pipeline.GenerateAsync(r)).ToArray();
        await harness.OpenGateWhenLinedUpAsync(requests.Length);
        var batched = await Task.WhenAll(runs);
        var sharedCalls = harness.Batcher.Statistics.Calls;
        var after = await harness.Pipeline.GenerateAsync(TestRequests.Small(1));

        for (var i = 0; i < requests.Length; i++)
        {
            BatchedGenerationTests.AssertSameImages(await harness.Reference.GenerateAsync(requests[i]), batched[i]);
        }

        Assert.NotEqual(PngInspection.Pixels(batched[0].Images[0].Png), PngInspection.Pixels(batched[1].Images[0].Png));
        Assert.NotEqual(PngInspection.Pixels(batched[0].Images[0].Png), PngInspection.Pixels(batched[3].Images[0].Png));
        Assert.Equal(PngInspection.Pixels(batched[3].Images[0].Png), PngInspection.Pixels(after.Images[0].Png));
        var modelCalls = batched.Sum(r => r.Timings.Steps);
        Assert.True(sharedCalls < modelCalls, $"jobs of the same adapter set shared no call: {sharedCalls} calls for {modelCalls} steps");
    }

    [Fact]
    public async Task APromptTag_AppliesTheAdapter_AndIsNotPartOfTheTextTheEncoderReads()
    {
        var adapter = SyntheticLora.ForModel(model.Directory, rank: 4, seed: 31);
        var weights = LoraWeights.Parse(adapter);
        var inputs = new GenerationInputs(null) { Adapters = new Dictionary<string, LoraWeights>(StringComparer.OrdinalIgnoreCase) { ["product"] = weights } };

        var listed = await model.Pipeline.GenerateAsync(WithAdapter(TestRequests.Small(8), "product", adapter, 0.6));
        var tagged = await model.Pipeline.GenerateAsync(TestRequests.Small(8) with { Prompt = "a photo of <lora:Product:0.6> a cat", Inputs = inputs });

        Assert.Equal(PngInspection.Pixels(listed.Images[0].Png), PngInspection.Pixels(tagged.Images[0].Png));
        var parameters = PngInspection.Text(listed.Images[0].Png, "parameters");
        Assert.StartsWith("a photo of a cat <lora:product:0.6>\n", parameters, StringComparison.Ordinal);
        Assert.Contains($"Lora hashes: \"product: {weights.ShortHash}\"", parameters, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdapterNamedButNotSupplied_OrNotFittingTheModel_IsAFieldError()
    {
        var missing = await Assert.ThrowsAsync<GenerationValidationException>(
            () => model.Pipeline.GenerateAsync(TestRequests.Small(9) with { Loras = [new LoraUse("absent", 1)] }));
        Assert.Contains(missing.Errors, e => e.Field == "loras[0].name");

        var foreign = SafetensorsWriter.Write(
        [
            new("lora_unet_no_such_block_to_q.lora_down.weight", SafetensorsDType.F32, [2, 32], new float[64]),
            new("lora_unet_no_such_block_to_q.lora_up.weight", SafetensorsDType.F32, [32, 2], new float[64]),
        ]);
        var misfit = await Assert.ThrowsAsync<GenerationValidationException>(
            () => model.Pipeline.GenerateAsync(WithAdapter(TestRequests.Small(9), "foreign", foreign, 1)));
        Assert.Contains(misfit.Errors, e => e.Field == "loras[0].name" && e.Message.Contains("does not fit", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(6, 1)]
    [InlineData(1, 2.5)]
    [InlineData(1, double.NaN)]
    public void TooManyAdapters_OrAWeightOutOfRange_AreRefusedOnTheField(int count, double weight)
    {
        var spec = TestRequests.Small() with { Loras = [.. Enumerable.Range(0, count).Select(i => new LoraUse($"a{i}", weight))] };

        var errors = spec.Validate();

        Assert.Contains(errors, e => e.Field == (count > GenerationSpec.MaxLoras ? "loras" : "loras[0].weight"));
    }

    internal static GenerationSpec WithAdapter(GenerationSpec spec, string name, byte[] adapter, double weight) =>
        spec with
        {
            Loras = [new LoraUse(name, weight)],
            Inputs = new GenerationInputs(null)
            {
                Adapters = new Dictionary<string, LoraWeights>(StringComparer.OrdinalIgnoreCase) { [name] = LoraWeights.Parse(adapter) },
            },
        };

    private static int MaxDifference(byte[] a, byte[] b)
    {
        var (x, y) = (PngInspection.Pixels(a), PngInspection.Pixels(b));
        Assert.Equal(x.Length, y.Length);
        return x.Zip(y, (p, q) => Math.Abs(p - q)).Max();
    }
}
