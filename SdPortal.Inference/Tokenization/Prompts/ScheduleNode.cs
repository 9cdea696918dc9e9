using System.Globalization;
using System.Text;

namespace SdPortal.Inference.Tokenization.Prompts;

/// <summary>
/// The syntax tree of A1111's prompt-editing grammar, reduced to what decides the prompt at a step: literal text,
/// <c>[from:to:when]</c> edits and <c>[a|b|…]</c> alternations (emphasis brackets are literal text here; the
/// attention parser reads them later, from the text of each step).
/// </summary>
internal abstract record ScheduleNode
{
    /// <summary>Appends the text this node reads as at <paramref name="step"/> (1-based, as the reference counts) of
    /// <paramref name="totalSteps"/>.</summary>
    public abstract void Write(StringBuilder text, int step, int totalSteps);

    /// <summary>Adds the steps at which this node's text changes to <paramref name="steps"/>.</summary>
    public abstract void CollectSteps(SortedSet<int> steps, int totalSteps);
}

/// <summary>Text that reads the same at every step.</summary>
internal sealed record LiteralNode(string Text) : ScheduleNode
{
    public override void Write(StringBuilder text, int step, int totalSteps) => text.Append(Text);

    public override void CollectSteps(SortedSet<int> steps, int totalSteps)
    {
    }
}

/// <summary>Nodes one after another.</summary>
internal sealed record SequenceNode(IReadOnlyList<ScheduleNode> Items) : ScheduleNode
{
    public override void Write(StringBuilder text, int step, int totalSteps)
    {
        foreach (var item in Items)
        {
            item.Write(text, step, totalSteps);
        }
    }

    public override void CollectSteps(SortedSet<int> steps, int totalSteps)
    {
        foreach (var item in Items)
        {
            item.CollectSteps(steps, totalSteps);
        }
    }
}

/// <summary>
/// <c>[before:after:when]</c> (or <c>[after:when]</c>, before empty): <paramref name="Before"/> up to and including
/// step <see cref="When"/>, <paramref name="After"/> from the next one. <paramref name="Number"/> is the written
/// number: with a decimal point it is a fraction of the steps, without one a step number (A1111's current rule; its
/// "old scheduling" option, off by default, read every number below 1 as a fraction instead).
/// </summary>
internal sealed record EditNode(ScheduleNode? Before, ScheduleNode After, string Number) : ScheduleNode
{
    public override void Write(StringBuilder text, int step, int totalSteps)
    {
        if (step > When(totalSteps))
        {
            After.Write(text, step, totalSteps);
        }
        else
        {
            Before?.Write(text, step, totalSteps);
        }
    }

    public override void CollectSteps(SortedSet<int> steps, int totalSteps)
    {
        var when = When(totalSteps);
        if (when >= 1)
        {
            steps.Add(when);
        }

        Before?.CollectSteps(steps, totalSteps);
        After.CollectSteps(steps, totalSteps);
    }

    /// <summary>The last step of <see cref="Before"/>: <c>min(steps, int(v))</c>, v the number or, with a decimal
    /// point, the number × steps (truncated toward zero; may be below 1, when <see cref="After"/> holds from the start).</summary>
    public int When(int totalSteps)
    {
        var value = double.Parse(Number, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (Number.Contains('.', StringComparison.Ordinal))
        {
            value *= totalSteps;
        }

        var truncated = Math.Truncate(value);
        return truncated >= totalSteps ? totalSteps : truncated <= int.MinValue ? int.MinValue : (int)truncated;
    }
}

/// <summary><c>[a|b|…]</c>: option (step − 1) mod n at each step; an empty option reads as nothing.</summary>
internal sealed record AlternationNode(IReadOnlyList<ScheduleNode> Options) : ScheduleNode
{
    public override void Write(StringBuilder text, int step, int totalSteps) =>
        Options[(step - 1) % Options.Count].Write(text, step, totalSteps);

    public override void CollectSteps(SortedSet<int> steps, int totalSteps)
    {
        for (var s = 1; s <= totalSteps; s++)
        {
            steps.Add(s);
        }

        foreach (var option in Options)
        {
            option.CollectSteps(steps, totalSteps);
        }
    }
}
