namespace SdPortal.Inference.Lora;

/// <summary>The tensor element types an adapter may hold: what LoRA trainers write.</summary>
public enum SafetensorsDType
{
    /// <summary>IEEE half precision ("F16").</summary>
    F16,

    /// <summary>bfloat16 ("BF16"): the top 16 bits of a float32.</summary>
    BF16,

    /// <summary>IEEE single precision ("F32").</summary>
    F32,
}
