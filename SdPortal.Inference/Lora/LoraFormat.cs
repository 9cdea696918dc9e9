namespace SdPortal.Inference.Lora;

/// <summary>How an adapter file names its tensors.</summary>
public enum LoraFormat
{
    /// <summary>kohya-ss (A1111, most trainers): <c>lora_unet_&lt;module_with_underscores&gt;.lora_down.weight</c>, <c>.lora_up.weight</c>, <c>.alpha</c>.</summary>
    Kohya = 0,

    /// <summary>diffusers / PEFT: <c>unet.&lt;module.path&gt;.lora_A.weight</c> and <c>.lora_B.weight</c>, alpha = rank unless given.</summary>
    Peft = 1,
}
