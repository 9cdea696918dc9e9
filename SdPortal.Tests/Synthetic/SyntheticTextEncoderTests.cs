namespace SdPortal.Tests.Synthetic;

[Collection(TinySyntheticSuite.Name)]
public sealed class SyntheticTextEncoderTests(TinySyntheticFolders folders)
{
    private const int Hidden = 32;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Outputs_HaveDiffusersShapesAndFiniteValues(int batch)
    {
        using var model = new OnnxTestModel(Path.Combine(folders.Fp32, "text_encoder", "model.onnx"));
        var (ids, shape) = TestInputs.Ids([.. Enumerable.Repeat(TestInputs.PhotoOfACat, batch)]);

        var outputs = model.Run(("input_ids", ids, shape));

        Assert.Equal([batch, 77, Hidden], outputs["last_hidden_state"].Shape);
        Assert.Equal([batch, Hidden], outputs["pooler_output"].Shape);
        Assert.True(outputs["last_hidden_state"].AllFinite);
        Assert.True(outputs["pooler_output"].AllFinite);
    }

    [Fact]
    public void PoolerOutput_IsTheHiddenStateAtTheFirstEndOfTextToken()
    {
        using var model = new OnnxTestModel(Path.Combine(folders.Fp32, "text_encoder", "model.onnx"));
        int[][] prompts = [[320, 2368], TestInputs.PhotoOfACat]; // first end-of-text at positions 3 and 6
        var (ids, shape) = TestInputs.Ids(prompts);

        var outputs = model.Run(("input_ids", ids, shape));

        var last = outputs["last_hidden_state"].Values;
        var pooled = outputs["pooler_output"].Values;
        for (var b = 0; b < prompts.Length; b++)
        {
            var eos = prompts[b].Length + 1;
            Assert.Equal(Row(last, b, eos), pooled.AsSpan(b * Hidden, Hidden).ToArray());
            Assert.NotEqual(Row(last, b, eos + 1), pooled.AsSpan(b * Hidden, Hidden).ToArray());
        }
    }

    [Fact]
    public void HiddenStates_DoNotDependOnLaterTokens()
    {
        using var model = new OnnxTestModel(Path.Combine(folders.Fp32, "text_encoder", "model.onnx"));
        var (first, shape) = TestInputs.Ids([320, 1125, 539]);
        var (second, _) = TestInputs.Ids([320, 1125, 2368]); // differs at position 3 only

        var a = model.Run(("input_ids", first, shape))["last_hidden_state"].Values;
        var b = model.Run(("input_ids", second, shape))["last_hidden_state"].Values;

        Assert.Equal(a.AsSpan(0, 3 * Hidden).ToArray(), b.AsSpan(0, 3 * Hidden).ToArray()); // causal mask
        Assert.NotEqual(Row(a, 0, 3), Row(b, 0, 3));
    }

    private static float[] Row(float[] states, int batch, int position) =>
        states.AsSpan(((batch * 77) + position) * Hidden, Hidden).ToArray();
}
