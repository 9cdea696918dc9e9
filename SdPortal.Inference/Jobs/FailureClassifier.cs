using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Jobs;

/// <summary>Which errors are worth another attempt, and what the user is told.</summary>
public static class FailureClassifier
{
    /// <summary>
    /// True for errors that fail the same way every time: an invalid request, an unusable model, an unknown model key.
    /// Everything else (GPU out of memory, a lost connection to the portal) is treated as transient.
    /// </summary>
    public static bool IsPermanent(Exception exception) =>
        exception is GenerationValidationException or ModelLoadException or KeyNotFoundException or ArgumentException;

    /// <summary>A short reason for the user: the error's kind and message, at most 500 characters.</summary>
    public static string Describe(Exception exception)
    {
        var text = exception switch
        {
            GenerationValidationException v => $"Invalid request: {string.Join("; ", v.Errors.Select(e => $"{e.Field} {e.Message}"))}",
            ModelLoadException => "The model could not be loaded.",
            KeyNotFoundException => exception.Message,
            _ => $"{exception.GetType().Name}: {exception.Message}",
        };
        return text.Length <= 500 ? text : text[..500];
    }
}
