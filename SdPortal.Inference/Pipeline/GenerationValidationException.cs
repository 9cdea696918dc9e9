namespace SdPortal.Inference.Pipeline;

/// <summary>A request was rejected before any model ran; <see cref="Errors"/> lists every invalid field.</summary>
public sealed class GenerationValidationException : Exception
{
    /// <summary>Creates the exception for <paramref name="errors"/> (at least one).</summary>
    public GenerationValidationException(IReadOnlyList<GenerationFieldError> errors)
        : base("Invalid generation request: " + string.Join("; ", errors))
    {
        Errors = errors;
    }

    public GenerationValidationException()
        : this([])
    {
    }

    public GenerationValidationException(string message)
        : base(message)
    {
        Errors = [];
    }

    public GenerationValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>The invalid fields.</summary>
    public IReadOnlyList<GenerationFieldError> Errors { get; }
}
