namespace SdPortal.Inference.Lora;

/// <summary>The model component an adapter module patches.</summary>
public enum LoraComponent
{
    /// <summary>The denoising UNet (<c>unet/model.onnx</c>).</summary>
    UNet = 0,

    /// <summary>The CLIP text encoder (<c>text_encoder/model.onnx</c>).</summary>
    TextEncoder = 1,
}
