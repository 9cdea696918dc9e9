using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Lora;
using SdPortal.Tests.Support;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Lora;

/// <summary>Adapter files for the tests (valid ones for the tiny model, hostile ones built from them) and the upload calls.</summary>
internal static class LoraTestFiles
{
    public const string Route = "/api/v1/loras";

    /// <summary>Settings of a portal whose catalogue holds only the tiny model, shared across tests (written once per run).</summary>
    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["Models:Directory"] = PortalWebFactory.SharedModels };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The tiny model's folder, written if missing.</summary>
    public static string TinyFolder(PortalWebFactory portal) =>
        portal.Services.GetRequiredService<ModelCatalog>().Prepare(ModelCatalogOptions.TinySyntheticKey).Directory;

    /// <summary>A kohya adapter of <paramref name="rank"/> for the tiny model.</summary>
    public static byte[] Valid(PortalWebFactory portal, int rank = 4, ulong seed = 7) => SdPortal.Inference.Lora.Synthetic.SyntheticLora.ForModel(TinyFolder(portal), rank, seed);

    /// <summary>A well-formed kohya adapter of <paramref name="modules"/> modules that name no layer of any model.</summary>
    public static byte[] Unmatched(int modules) => SafetensorsWriter.Write(
    [
        .. Enumerable.Range(0, modules).SelectMany(i => new SafetensorsWriter.Entry[]
        {
            new($"lora_unet_no_such_block_{i}_proj.lora_down.weight", SafetensorsDType.F16, [2, 8], new float[16]),
            new($"lora_unet_no_such_block_{i}_proj.lora_up.weight", SafetensorsDType.F16, [8, 2], new float[16]),
        }),
    ]);

    /// <summary><paramref name="file"/> with its 8-byte header length replaced.</summary>
    public static byte[] WithHeaderLength(byte[] file, ulong length)
    {
        var copy = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(copy, length);
        return copy;
    }

    /// <summary><paramref name="file"/> with the first <c>data_offsets</c> of its header moved past the data (same header length).</summary>
    public static byte[] WithWrongOffsets(byte[] file)
    {
        var copy = (byte[])file.Clone();
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(copy);
        var header = Encoding.UTF8.GetString(copy, 8, length);
        var at = header.IndexOf("\"data_offsets\":[0,", StringComparison.Ordinal);
        Assert.True(at >= 0, header);
        var start = at + "\"data_offsets\":[0,".Length;
        var end = header.IndexOf(']', start);
        var forged = header[..start] + new string('9', end - start) + header[end..];
        Encoding.UTF8.GetBytes(forged, 0, forged.Length, copy, 8);
        return copy;
    }

    /// <summary>A valid safetensors file whose header is exactly 640 bytes, so its first two bytes are 0x80 0x02 (a pickle's protocol 2 marker).</summary>
    public static byte[] WithHeaderOf640Bytes(byte[] file)
    {
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.True(length < 640, $"the header is already {length} bytes");
        var copy = new byte[file.Length - length + 640];
        BinaryPrimitives.WriteUInt64LittleEndian(copy, 640);
        file.AsSpan(8, length).CopyTo(copy.AsSpan(8));
        copy.AsSpan(8 + length, 640 - length).Fill((byte)' ');
        file.AsSpan(8 + length).CopyTo(copy.AsSpan(8 + 640));
        Assert.Equal([0x80, 0x02], copy[..2]);
        return copy;
    }

    public static MultipartFormDataContent Form(
        byte[] file, string? name, string fileName = "adapter.safetensors", string? triggerWords = null, byte[]? preview = null)
    {
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var form = new MultipartFormDataContent { { part, "file", fileName } };
        if (name is not null)
        {
            form.Add(new StringContent(name), "name");
        }

        if (triggerWords is not null)
        {
            form.Add(new StringContent(triggerWords), "triggerWords");
        }

        if (preview is not null)
        {
            form.Add(new ByteArrayContent(preview), "preview", "preview.png");
        }

        return form;
    }

    public static async Task<HttpResponseMessage> UploadAsync(
        HttpClient client, byte[] file, string? name, string fileName = "adapter.safetensors", string? triggerWords = null, byte[]? preview = null)
    {
        using var form = Form(file, name, fileName, triggerWords, preview);
        return await client.PostAsync(U(Route), form);
    }

    public static async Task<JsonElement> UploadedAsync(HttpClient client, byte[] file, string name, string? triggerWords = null, byte[]? preview = null)
    {
        using var response = await UploadAsync(client, file, name, triggerWords: triggerWords, preview: preview);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"HTTP {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    public static async Task<HttpResponseMessage> PatchAsync(HttpClient client, Guid id, object body) =>
        await client.PatchAsJsonAsync(U($"{Route}/{id}"), body, PortalWebFactory.Json);

    /// <summary>Asserts the status and a problem details whose only error is on <paramref name="field"/>; returns its message.</summary>
    public static async Task<string> FieldErrorAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonSerializer.Deserialize<JsonElement>(text).GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(e => e.Name));
        return Assert.Single(errors.GetProperty(field).EnumerateArray()).GetString()!;
    }

    public static Task<int> RowCountAsync(PortalWebFactory portal, Guid tenantId) =>
        portal.WithContextAsync(tenantId, db => db.LoraAdapters.CountAsync());

    /// <summary>The tenant's stored adapter files and previews.</summary>
    public static int FileCount(TestDatabase database, Guid tenantId)
    {
        var folder = Path.Combine(database.DataDirectory, "images", tenantId.ToString("N"));
        return Directory.Exists(folder) ? Directory.GetFiles(folder).Length : 0;
    }

    /// <summary>Sets the tenant's adapter limits as an operator would.</summary>
    public static Task SetLimitsAsync(PortalWebFactory portal, Guid tenantId, int? maxAdapters = null, long? maxAdapterBytes = null) =>
        portal.WithContextAsync(tenantId, async db =>
        {
            var limits = await db.TenantLimits.SingleAsync();
            limits.MaxAdapters = maxAdapters ?? limits.MaxAdapters;
            limits.MaxAdapterBytes = maxAdapterBytes ?? limits.MaxAdapterBytes;
            return await db.SaveChangesAsync();
        });
}
