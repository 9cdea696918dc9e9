namespace SdPortal.Inference.Lora;

/// <summary>An adapter file that cannot be used; the message names what is wrong and is safe to show the uploader.</summary>
public sealed class LoraFormatException : Exception
{
    public LoraFormatException(string message)
        : base(message)
    {
    }

    public LoraFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LoraFormatException()
    {
    }
}
