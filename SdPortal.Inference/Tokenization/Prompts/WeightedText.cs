namespace SdPortal.Inference.Tokenization.Prompts;

/// <summary>
/// A run of prompt text and the attention multiplier A1111's parser gave it. A <c>BREAK</c> keyword is kept as a run
/// of its own with the weight −1, exactly as the reference marks it, so that brackets around it (which multiply every
/// run they enclose, this one included) turn it back into an ordinary word as they do there.
/// </summary>
/// <param name="Text">The text, escapes already resolved.</param>
/// <param name="Weight">The multiplier, in double precision with the reference's order of multiplications, so equal
/// runs compare equal exactly when Python's floats do.</param>
public readonly record struct WeightedText(string Text, double Weight)
{
    /// <summary>The marker weight of a BREAK run.</summary>
    public const double BreakWeight = -1;

    /// <summary>The keyword that ends a chunk.</summary>
    public const string BreakKeyword = "BREAK";

    /// <summary>Whether this run is a chunk break (and not text).</summary>
    public bool IsBreak => Text == BreakKeyword && Weight == BreakWeight;
}
