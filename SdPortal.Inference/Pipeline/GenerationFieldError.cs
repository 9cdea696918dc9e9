namespace SdPortal.Inference.Pipeline;

/// <summary>One invalid field of a <see cref="GenerationSpec"/>.</summary>
/// <param name="Field">The field's name as it appears in JSON (camelCase), e.g. "width".</param>
/// <param name="Message">What is wrong and what is allowed.</param>
public sealed record GenerationFieldError(string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}
