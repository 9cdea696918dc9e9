using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace SdPortal.Tests.Pipeline.Support;

/// <summary>Writes .npy version 1.0 files the way numpy.save does (little-endian, C order, header padded to 64 bytes).</summary>
public static class NpyWriter
{
    public static byte[] Fp32(ReadOnlySpan<float> values, params int[] shape)
    {
        var data = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
        }

        return Build("<f4", shape, data);
    }

    public static byte[] Fp16(ReadOnlySpan<float> values, params int[] shape)
    {
        var data = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(i * 2), (Half)values[i]);
        }

        return Build("<f2", shape, data);
    }

    public static byte[] Build(string descr, int[] shape, byte[] data, bool fortranOrder = false)
    {
        var dims = shape.Length == 1
            ? $"{shape[0]},"
            : string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var header = $"{{'descr': '{descr}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': ({dims}), }}";
        var unpadded = 10 + header.Length + 1;
        header += new string(' ', ((unpadded + 63) / 64 * 64) - unpadded) + "\n";
        var headerBytes = Encoding.ASCII.GetBytes(header);
        var file = new byte[10 + headerBytes.Length + data.Length];
        file[0] = 0x93;
        "NUMPY"u8.CopyTo(file.AsSpan(1));
        file[6] = 1;
        file[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)headerBytes.Length);
        headerBytes.CopyTo(file, 10);
        data.CopyTo(file, 10 + headerBytes.Length);
        return file;
    }
}
