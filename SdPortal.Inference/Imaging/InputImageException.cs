namespace SdPortal.Inference.Imaging;

/// <summary>
/// An uploaded image is refused: not a supported format, damaged, or over a limit. The message names the reason in
/// words safe to show the user who sent the file (no paths, no library internals).
/// </summary>
public sealed class InputImageException : Exception
{
    /// <summary>Creates the refusal with a user-facing reason.</summary>
    public InputImageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the refusal with a user-facing reason and the underlying failure.</summary>
    public InputImageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
