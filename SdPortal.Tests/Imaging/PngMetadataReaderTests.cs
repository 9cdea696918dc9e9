using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using SdPortal.Inference.Imaging;

namespace SdPortal.Tests.Imaging;

public class PngMetadataReaderTests
{
    [Fact]
    public void ReadSize_ReturnsTheHeaderDimensions()
    {
        var png = PngEncoder.Encode(new byte[7 * 5 * 3], 7, 5);

        Assert.Equal((7, 5), PngMetadataReader.ReadSize(png));
    }

    [Fact]
    public void ReadText_WhenImageHasNoText_ReturnsEmpty()
    {
        Assert.Empty(PngMetadataReader.ReadText(PngEncoder.Encode([0, 0, 0], 1, 1)));
    }

    [Fact]
    public void ReadText_WhenChunksAreCompressed_InflatesZtxtAndItxt()
    {
        var png = PngEncoder.Encode([0, 0, 0], 1, 1);
        byte[] ztxt = [.. "Title\0\0"u8, .. Deflate(Encoding.Latin1.GetBytes("Ölgemälde"))];
        byte[] itxt = [.. "parameters\0\u0001\0en\0Parameter\0"u8, .. Deflate(Encoding.UTF8.GetBytes("猫の写真"))];

        var withText = InsertAfterHeader(png, ("zTXt", ztxt), ("iTXt", itxt));
        var texts = PngMetadataReader.ReadText(withText);

        Assert.Equal("Ölgemälde", texts["Title"]);
        Assert.Equal("猫の写真", texts["parameters"]);
    }

    [Fact]
    public void ReadText_WhenKeywordRepeats_KeepsTheFirst()
    {
        var png = PngEncoder.Encode([0, 0, 0], 1, 1, [new("Comment", "first"), new("Comment", "second")]);

        Assert.Equal("first", PngMetadataReader.ReadText(png)["Comment"]);
    }

    [Fact]
    public void ReadText_WhenACrcIsWrong_ThrowsInvalidData()
    {
        var png = PngEncoder.Encode([0, 0, 0], 1, 1, [new("Comment", "hello")]);
        png[8 + 25 + 8] ^= 0x20; // first byte of the tEXt keyword, after signature and the 25-byte IHDR chunk

        Assert.Throws<InvalidDataException>(() => PngMetadataReader.ReadText(png));
    }

    [Fact]
    public void ReadSize_WhenDataIsNotPng_ThrowsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => PngMetadataReader.ReadSize("GIF89a........................"u8));
    }

    [Fact]
    public void ReadText_WhenFileIsTruncated_ThrowsInvalidData()
    {
        var png = PngEncoder.Encode([0, 0, 0], 1, 1, [new("Comment", "hello")]);

        Assert.Throws<InvalidDataException>(() => PngMetadataReader.ReadText(png.AsSpan(0, 40)));
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] InsertAfterHeader(byte[] png, params (string Type, byte[] Data)[] chunks)
    {
        const int afterHeader = 8 + 25;
        using var output = new MemoryStream();
        output.Write(png, 0, afterHeader);
        foreach (var (type, data) in chunks)
        {
            var typeAndData = (byte[])[.. Encoding.ASCII.GetBytes(type), .. data];
            var word = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
            output.Write(word);
            output.Write(typeAndData);
            BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.HashToUInt32(typeAndData));
            output.Write(word);
        }

        output.Write(png, afterHeader, png.Length - afterHeader);
        return output.ToArray();
    }
}
