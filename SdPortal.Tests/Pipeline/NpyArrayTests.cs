using SdPortal.Inference.Cli;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Pipeline;

/// <summary>The .npy reader behind <c>generate --latents</c>.</summary>
public sealed class NpyArrayTests
{
    private static readonly float[] Values = [0f, 1.5f, -2.25f, 3f, 1e-3f, -7f];

    [Fact]
    public void Parse_Float32_ReadsShapeAndValues()
    {
        var array = NpyArray.Parse(NpyWriter.Fp32(Values, 2, 3));

        Assert.Equal([2, 3], array.Shape);
        Assert.Equal(Values, array.Data);
    }

    [Fact]
    public void Parse_Float16_WidensToFloat32()
    {
        var array = NpyArray.Parse(NpyWriter.Fp16(Values, 6));

        Assert.Equal([6], array.Shape);
        Assert.Equal(Values.Select(v => (float)(Half)v), array.Data);
    }

    [Fact]
    public void Parse_BigEndianFloat32_ReadsTheSameValues()
    {
        var data = new byte[Values.Length * 4];
        for (var i = 0; i < Values.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleBigEndian(data.AsSpan(i * 4), Values[i]);
        }

        var array = NpyArray.Parse(NpyWriter.Build(">f4", [3, 2], data));

        Assert.Equal(Values, array.Data);
    }

    [Fact]
    public void Parse_FortranOrder_IsRejected()
    {
        var ex = Assert.Throws<InvalidDataException>(
            () => NpyArray.Parse(NpyWriter.Build("<f4", [2, 3], new byte[24], fortranOrder: true)));

        Assert.Contains("C-order", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Float64_IsRejected()
    {
        var ex = Assert.Throws<InvalidDataException>(() => NpyArray.Parse(NpyWriter.Build("<f8", [2], new byte[16])));

        Assert.Contains("f8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DataShorterThanShape_IsRejected()
    {
        var ex = Assert.Throws<InvalidDataException>(() => NpyArray.Parse(NpyWriter.Build("<f4", [4, 4], new byte[60])));

        Assert.Contains("64 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotNpy_IsRejected() =>
        Assert.Throws<InvalidDataException>(() => NpyArray.Parse("PK\u0003\u0004 not numpy"u8));
}
