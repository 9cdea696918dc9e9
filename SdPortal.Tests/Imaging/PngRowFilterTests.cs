using SdPortal.Inference.Imaging;

namespace SdPortal.Tests.Imaging;

public class PngRowFilterTests
{
    [Theory]
    [InlineData(0)] // None
    [InlineData(1)] // Sub
    [InlineData(2)] // Up
    [InlineData(3)] // Average
    [InlineData(4)] // Paeth
    public void Apply_WhenReversedByTheTestDecoder_RestoresTheRows(byte filterType)
    {
        var type = (PngFilterType)filterType;
        const int width = 41; // 123-byte rows: whole vectors and a tail
        var rows = new byte[2 * width * 3];
        new Random((int)type).NextBytes(rows);
        var stride = width * 3;

        // Build filtered image data (type byte + filtered row) for two rows, the second using the first as prior.
        var data = new byte[2 * (stride + 1)];
        for (var y = 0; y < 2; y++)
        {
            data[y * (stride + 1)] = (byte)type;
            var prior = y == 0 ? ReadOnlySpan<byte>.Empty : rows.AsSpan(0, stride);
            PngRowFilter.Apply(type, rows.AsSpan(y * stride, stride), prior, 3, data.AsSpan((y * (stride + 1)) + 1, stride));
        }

        var (rgb, filters) = TestPngDecoder.Unfilter(data, width, 2);

        Assert.Equal(rows, rgb);
        Assert.Equal([(byte)type, (byte)type], filters);
    }

    [Theory]
    [InlineData(10, 20, 15, 15)] // p = 15: distances a 5, b 5, c 0 → c
    [InlineData(10, 50, 10, 50)] // p = 50: distances a 40, b 0, c 40 → b
    [InlineData(20, 10, 10, 20)] // p = 20: distances a 0, b 10, c 10 → a
    [InlineData(10, 10, 0, 10)] // p = 20: distances a 10, b 10, c 20 → the a/b tie goes to a
    [InlineData(5, 5, 5, 5)] // all distances 0: ties go to a
    public void Paeth_PicksTheNeighbourClosestToTheGradientEstimate(int a, int b, int c, int expected)
    {
        Assert.Equal(expected, PngRowFilter.Paeth(a, b, c));
    }

    [Fact]
    public void Up_WhenRowRepeatsTheRowAbove_WritesZerosAcrossVectorsAndTail()
    {
        var row = new byte[(3 * 64) + 7];
        new Random(7).NextBytes(row);
        var destination = new byte[row.Length];
        Array.Fill(destination, (byte)1);

        PngRowFilter.Apply(PngFilterType.Up, row, row, 3, destination);

        Assert.All(destination, b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(0, 1)] // the first row has nothing above: Sub
    [InlineData(1, 2)] // every later row: Up
    [InlineData(511, 2)]
    public void For_TakesSubOnTheFirstRowAndUpAfter(int y, byte expected)
    {
        Assert.Equal((PngFilterType)expected, PngRowFilter.For(y));
    }
}
