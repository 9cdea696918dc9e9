namespace SdPortal.Inference.Pipeline;

/// <summary>How a prompt's text is read.</summary>
public enum PromptSyntax
{
    /// <summary>
    /// A1111's prompt language: <c>(word)</c>, <c>(word:1.3)</c>, <c>[word]</c>, escapes, <c>BREAK</c>, prompt editing
    /// <c>[from:to:when]</c>, alternation <c>[a|b]</c>, and prompts longer than 75 tokens in chunks.
    /// </summary>
    A1111 = 0,

    /// <summary>The text as it is, one 77-token sequence (diffusers' pipelines): brackets are ordinary characters.</summary>
    Plain = 1,
}
