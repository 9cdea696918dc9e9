namespace SdPortal.Inference.Synthetic;

/// <summary>One written component of a synthetic model folder.</summary>
/// <param name="Name">Subfolder name (<c>unet</c>, <c>text_encoder</c>…).</param>
/// <param name="Parameters">Learned parameters.</param>
/// <param name="Bytes">Bytes on disk, external data included.</param>
/// <param name="ExternalData">Whether the weights are in <c>model.onnx.data</c>.</param>
/// <param name="Seconds">Time to build and write it.</param>
public sealed record SyntheticComponentSummary(string Name, long Parameters, long Bytes, bool ExternalData, double Seconds);
