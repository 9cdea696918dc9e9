namespace SdPortal.Inference.Models;

/// <summary>
/// A model folder could not be opened: a file is missing, unreadable, malformed, or not the model the engine expects.
/// The message names the file and the reason; ONNX Runtime's own error, if any, is the inner exception.
/// </summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a human-readable <paramref name="reason"/>.</summary>
    public ModelLoadException(string filePath, string reason, Exception? innerException = null)
        : base(filePath.Length == 0 ? reason : $"{filePath}: {reason}", innerException)
    {
        FilePath = filePath;
        Reason = reason;
    }

    public ModelLoadException()
        : this(string.Empty, "the model could not be loaded")
    {
    }

    public ModelLoadException(string message)
        : this(string.Empty, message)
    {
    }

    public ModelLoadException(string message, Exception innerException)
        : this(string.Empty, message, innerException)
    {
    }

    /// <summary>The file at fault (absolute or as given).</summary>
    public string FilePath { get; }

    /// <summary>Why the file could not be used.</summary>
    public string Reason { get; }
}
