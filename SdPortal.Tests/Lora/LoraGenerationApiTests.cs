using System.Net;
using SdPortal.Data;
using SdPortal.Tests.Pipeline.Support;
using SdPortal.Tests.Support;
using static SdPortal.Tests.Lora.LoraTestFiles;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Lora;

/// <summary>
/// A tenant's adapter used in a job end to end: uploaded, named in the spec or the prompt, checked at admission,
/// loaded by the worker, applied, and recorded in the image's parameters.
/// </summary>
public sealed class LoraGenerationApiTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AJobWithTheTenantsAdapter_ChangesTheImage_RecordsIt_AndTheNextJobWithoutItGetsTheBaseImage(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, Settings(("Generation:DispatchIntervalMilliseconds", "200")));
        var (_, owner) = await portal.RegisterAndLoginAsync("Mug Shop");
        var file = Valid(portal, rank: 4, seed: 3);
        await UploadedAsync(owner, file, "acme-mug");

        var baseImage = await ImageOfAsync(owner, PortalWebFactory.TinyRequest(("seed", 9)));
        var listed = await ImageOfAsync(owner, PortalWebFactory.TinyRequest(("seed", 9), ("loras", new[] { new { name = "acme-mug", weight = 0.9 } })));
        var tagged = await ImageOfAsync(owner, PortalWebFactory.TinyRequest(("seed", 9), ("prompt", "a red fox in the snow <lora:ACME-mug:0.9>")));
        var after = await ImageOfAsync(owner, PortalWebFactory.TinyRequest(("seed", 9)));

        Assert.NotEqual(PngInspection.Pixels(baseImage), PngInspection.Pixels(listed));
        Assert.Equal(PngInspection.Pixels(listed), PngInspection.Pixels(tagged));
        Assert.Equal(PngInspection.Pixels(baseImage), PngInspection.Pixels(after));
        var parameters = PngInspection.Text(listed, "parameters");
        Assert.StartsWith("a red fox in the snow <lora:acme-mug:0.9>\n", parameters, StringComparison.Ordinal);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file))[..12];
        Assert.Contains($"Lora hashes: \"acme-mug: {hash}\"", parameters, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnAdapterNobodyUploaded_OrOfAnotherTenant_IsRefusedOnItsField_AndChargesNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Mug Shop");
        var (_, other) = await portal.RegisterAndLoginAsync("Other Shop");
        await UploadedAsync(other, Valid(portal), "their-mug");
        var before = await PortalWebFactory.BalanceAsync(owner);

        using var listed = await PortalWebFactory.SubmitGenerationAsync(owner, PortalWebFactory.TinyRequest(("loras", new[] { new { name = "their-mug", weight = 1.0 } })));
        using var tagged = await PortalWebFactory.SubmitGenerationAsync(owner, PortalWebFactory.TinyRequest(("prompt", "a fox <lora:nobody:1>")));
        using var heavy = await PortalWebFactory.SubmitGenerationAsync(owner, PortalWebFactory.TinyRequest(("loras", new[] { new { name = "their-mug", weight = 3.0 } })));

        Assert.Contains("names no adapter you can use", await FieldErrorAsync(listed, HttpStatusCode.UnprocessableEntity, "loras[0].name"), StringComparison.Ordinal);
        Assert.Contains("'nobody'", await FieldErrorAsync(tagged, HttpStatusCode.UnprocessableEntity, "prompt"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, heavy.StatusCode);
        Assert.Contains("loras[0].weight", await heavy.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await PortalWebFactory.BalanceAsync(owner));
        Assert.Equal(0, await portal.JobCountAsync(tenant.TenantId));
    }

    private static async Task<byte[]> ImageOfAsync(HttpClient client, Dictionary<string, object?> body)
    {
        var id = await PortalWebFactory.SubmitAcceptedAsync(client, body);
        var job = await PortalWebFactory.WaitForStatusAsync(client, id, "succeeded");
        var url = job.GetProperty("images")[0].GetProperty("url").GetString()!;
        return await client.GetByteArrayAsync(U(url));
    }
}
