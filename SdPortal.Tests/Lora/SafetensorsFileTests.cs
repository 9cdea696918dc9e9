using System.Buffers.Binary;
using System.Text;
using SdPortal.Inference.Lora;

namespace SdPortal.Tests.Lora;

/// <summary>The safetensors reader: real layouts round trip; every malformed or hostile header is refused with a message.</summary>
public sealed class SafetensorsFileTests
{
    [Fact]
    public void Read_AWrittenKohyaStyleFile_GivesEveryTensorAndTheMetadata()
    {
        var file = SafetensorsWriter.Write(
        [
            new("lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight", SafetensorsDType.F16, [4, 32, 1, 1], Ramp(128)),
            new("lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight", SafetensorsDType.BF16, [32, 4, 1, 1], Ramp(128)),
            new("lora_unet_down_blocks_0_attentions_0_proj_in.alpha", SafetensorsDType.F32, [], [4f]),
        ], new Dictionary<string, string> { ["ss_network_dim"] = "4" });

        var read = SafetensorsFile.Read(file);

        Assert.Equal(3, read.Tensors.Count);
        Assert.Equal("4", read.Metadata["ss_network_dim"]);
        Assert.Equal([4L, 32, 1, 1], read.Tensors[0].Shape);
        var down = new float[128];
        SafetensorsFile.ReadFloats(file, read.Tensors[0], down);
        Assert.Equal(Ramp(128).Select(v => (float)(Half)v), down);
        var up = new float[128];
        SafetensorsFile.ReadFloats(file, read.Tensors[1], up);
        Assert.All(up.Zip(Ramp(128)), p => Assert.Equal(p.Second, p.First, 0.01f));
        var alpha = new float[1];
        SafetensorsFile.ReadFloats(file, read.Tensors[2], alpha);
        Assert.Equal(4f, alpha[0]);
    }

    public static TheoryData<string, string> HostileHeaders => new()
    {
        { "[1, 2]", "must be a JSON object" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]", "not valid JSON" },
        { "{\"a\": {\"dtype\": \"I64\", \"shape\": [1], \"data_offsets\": [0, 8]}}", "F16, BF16 or F32" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", "do not hold" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [-2], \"data_offsets\": [0, 8]}}", "non-negative" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [4611686018427387904, 4], \"data_offsets\": [0, 8]}}", "too large" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", "overlaps" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", "gap" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", "truncated" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", "after its last tensor" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, \"a\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [8, 8]}}", "twice" },
        { "{\"__metadata__\": {\"x\": 1}, \"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", "must be a string" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [2]}}", "data_offsets" },
        { "{\"a\": {\"dtype\": \"F32\", \"shape\": [1,1,1,1,1,1,1,1,2], \"data_offsets\": [0, 8]}}", "dimensions" },
    };

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public void Read_AMalformedHeader_IsRefusedSayingWhy(string header, string expected)
    {
        var error = Assert.Throws<SafetensorsException>(() => SafetensorsFile.Read(WithHeader(header, dataBytes: 8)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AHeaderLengthPastTheFileOrTheLimit_IsRefusedWithoutAllocatingIt()
    {
        var huge = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        var pastFile = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(pastFile, 9);
        var overLimit = WithHeader(new string(' ', 2048), dataBytes: 0);

        Assert.Contains("at most", Assert.Throws<SafetensorsException>(() => SafetensorsFile.Read(huge)).Message, StringComparison.Ordinal);
        Assert.Contains("only 8", Assert.Throws<SafetensorsException>(() => SafetensorsFile.Read(pastFile)).Message, StringComparison.Ordinal);
        Assert.Throws<SafetensorsException>(() => SafetensorsFile.Read(overLimit, new SafetensorsLimits(MaxHeaderBytes: 1024)));
        Assert.Throws<SafetensorsException>(() => SafetensorsFile.Read(new byte[5]));
    }

    [Fact]
    public void Read_MoreTensorsThanTheLimit_IsRefused()
    {
        var entries = Enumerable.Range(0, 5).Select(i => new SafetensorsWriter.Entry($"t{i}", SafetensorsDType.F32, [1], [i])).ToList();

        var error = Assert.Throws<SafetensorsException>(() => SafetensorsFile.Read(SafetensorsWriter.Write(entries), new SafetensorsLimits(MaxTensors: 4)));

        Assert.Contains("more than 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AHostileTensorName_IsNotEchoed()
    {
        var name = "evil\r\nlog line" + new string('x', 500);
        var header = $"{{\"{name.Replace("\r", "\\r").Replace("\n", "\\n")}\": {{\"dtype\": \"I8\", \"shape\": [8], \"data_offsets\": [0, 8]}}}}";

        var error = Assert.Throws<SafetensorsException>(() => SafetensorsFile.Read(WithHeader(header, dataBytes: 8)));

        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("evil", error.Message, StringComparison.Ordinal);
    }

    private static byte[] WithHeader(string header, int dataBytes)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        return file;
    }

    private static float[] Ramp(int count) => [.. Enumerable.Range(0, count).Select(i => (i - (count / 2)) / 16f)];
}
