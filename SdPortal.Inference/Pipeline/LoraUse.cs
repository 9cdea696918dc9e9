namespace SdPortal.Inference.Pipeline;

/// <summary>An adapter a job applies: the name of one of the tenant's adapters and its strength (−2…2, 1 = as trained).</summary>
/// <param name="Name">The adapter's name, as <c>&lt;lora:name:weight&gt;</c> writes it.</param>
/// <param name="Weight">The multiplier w of W' = W + w · (α/r) · up · down; 0 leaves the model as it is.</param>
public sealed record LoraUse(string Name, double Weight = 1);
