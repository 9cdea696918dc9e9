namespace SdPortal.Inference.Synthetic.Graph;

/// <summary>What <see cref="OnnxModelWriter.Write"/> wrote.</summary>
/// <param name="ModelBytes">Size of <c>model.onnx</c>.</param>
/// <param name="ExternalDataBytes">Size of <c>model.onnx.data</c>, or 0 when the weights are embedded.</param>
public readonly record struct OnnxWriteResult(long ModelBytes, long ExternalDataBytes)
{
    /// <summary>True when the weights went to an external data file.</summary>
    public bool HasExternalData => ExternalDataBytes > 0;

    /// <summary>Both files together.</summary>
    public long TotalBytes => ModelBytes + ExternalDataBytes;
}
