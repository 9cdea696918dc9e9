namespace SdPortal.Inference.Lora;

/// <summary>A file is not a safetensors file the engine accepts; the message says why, in words for the uploader.</summary>
public sealed class SafetensorsException : Exception
{
    public SafetensorsException(string message)
        : base(message)
    {
    }

    public SafetensorsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SafetensorsException()
    {
    }
}
