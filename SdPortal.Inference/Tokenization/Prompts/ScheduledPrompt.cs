namespace SdPortal.Inference.Tokenization.Prompts;

/// <summary>One entry of a prompt schedule: <paramref name="Text"/> conditions every step up to and including
/// <paramref name="EndAtStep"/> (the reference's <c>[end_at_step, text]</c>).</summary>
/// <param name="EndAtStep">The last step, 1-based, at which this text holds.</param>
/// <param name="Text">The prompt with every edit and alternation resolved for those steps.</param>
public readonly record struct ScheduledPrompt(int EndAtStep, string Text);
