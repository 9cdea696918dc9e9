namespace SdPortal.Inference.Synthetic.Graph;

/// <summary>
/// The weight rearrangements of ONNX Runtime's fused Stable Diffusion graphs, as pure functions over row-major arrays.
/// Linear weights are stored [in, out] (MatMul's right operand), conv weights [out, in, kh, kw].
/// </summary>
public static class WeightLayouts
{
    /// <summary>
    /// Interleaves k [rows, heads·headSize] matrices per head into [rows, heads·k·headSize]: for each head, its slice of
    /// the first matrix, then of the second… Multiplied by the input and reshaped to [N, S, heads, k, headSize] this is
    /// MultiHeadAttention's packed QKV (k = 3) or packed KV (k = 2) input. A bias is the case rows = 1.
    /// </summary>
    public static float[] InterleaveHeads(IReadOnlyList<float[]> matrices, int rows, int heads)
    {
        ArgumentOutOfRangeException.ThrowIfZero(matrices.Count);
        var columns = matrices[0].Length / rows;
        var headSize = columns / heads;
        var packed = new float[rows * columns * matrices.Count];
        var position = 0;
        for (var r = 0; r < rows; r++)
        {
            for (var h = 0; h < heads; h++)
            {
                foreach (var matrix in matrices)
                {
                    matrix.AsSpan((r * columns) + (h * headSize), headSize).CopyTo(packed.AsSpan(position));
                    position += headSize;
                }
            }
        }

        return packed;
    }

    /// <summary>Concatenates [rows, cᵢ] matrices along the columns into [rows, Σcᵢ] (com.microsoft.Attention's merged weight).</summary>
    public static float[] ConcatColumns(IReadOnlyList<float[]> matrices, int rows)
    {
        var packed = new float[matrices.Sum(m => m.Length)];
        var position = 0;
        for (var r = 0; r < rows; r++)
        {
            foreach (var matrix in matrices)
            {
                var columns = matrix.Length / rows;
                matrix.AsSpan(r * columns, columns).CopyTo(packed.AsSpan(position));
                position += columns;
            }
        }

        return packed;
    }

    /// <summary>A conv weight [out, in, kh, kw] as [out, kh, kw, in], the layout NhwcConv reads.</summary>
    public static float[] ToChannelsLast(float[] weight, int outChannels, int inChannels, int kernel)
    {
        var result = new float[weight.Length];
        var area = kernel * kernel;
        for (var o = 0; o < outChannels; o++)
        {
            for (var c = 0; c < inChannels; c++)
            {
                for (var k = 0; k < area; k++)
                {
                    result[(((o * area) + k) * inChannels) + c] = weight[(((o * inChannels) + c) * area) + k];
                }
            }
        }

        return result;
    }
}
