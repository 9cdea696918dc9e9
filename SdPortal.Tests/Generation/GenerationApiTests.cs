using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Tests.Support;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Generation;

public sealed class GenerationApiTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Submit_ASizeTheModelsUNetCannotHalve_Is400OnTheFieldAndReservesNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings());
        portal.Services.GetRequiredService<Inference.Engine.ModelCatalog>().Prepare("tiny-synthetic"); // the folder is here
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Odd sizes");
        var before = await PortalWebFactory.BalanceAsync(owner);

        using var response = await PortalWebFactory.SubmitGenerationAsync(owner, PortalWebFactory.TinyRequest(("width", 72)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(PortalWebFactory.Json)).GetProperty("errors");
        Assert.Contains("multiple of 16", errors.GetProperty("width")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await PortalWebFactory.BalanceAsync(owner));
        Assert.Equal(0, await portal.JobCountAsync(tenant.TenantId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Submit_TinyModel_SucceedsCapturesOnceAndServesACacheablePng(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        // No Models:Directory: the first job writes the tiny synthetic model under {DataDirectory}/models/tiny-v2.
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Generation:DispatchIntervalMilliseconds"] = "200" });
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Foxes");
        var cost = (await PortalWebFactory.GetJsonAsync(owner, "/api/v1/generations/cost?width=64&height=64&steps=4&batchSize=2")).GetProperty("credits").GetInt64();

        var id = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("batchSize", 2)));
        var job = await PortalWebFactory.WaitForStatusAsync(owner, id, "succeeded");

        var images = job.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(2, images.Count);
        Assert.Equal((4, 4), (job.GetProperty("step").GetInt32(), job.GetProperty("totalSteps").GetInt32()));
        Assert.True(job.GetProperty("modelIsSynthetic").GetBoolean());
        var png = await owner.GetAsync(U(images[0].GetProperty("url").GetString()!));
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, (await png.Content.ReadAsByteArrayAsync())[..4]);
        Assert.Contains("immutable", png.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.True(png.Headers.CacheControl?.Private);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, U(images[0].GetProperty("url").GetString()!));
        revalidate.Headers.IfNoneMatch.Add(png.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await owner.SendAsync(revalidate)).StatusCode);

        Assert.Equal(TenantLimitsDefaults.Credits - cost, await PortalWebFactory.BalanceAsync(owner));
        Assert.Equal(1, await portal.LedgerEntriesAsync(tenant.TenantId, CreditEntryKind.Capture, id));
        Assert.Equal(0, await portal.LedgerEntriesAsync(tenant.TenantId, CreditEntryKind.Release, id));
        Assert.True(File.Exists(Path.Combine(database.DataDirectory, "models", "tiny-v2", "model_index.json")));
        var history = await PortalWebFactory.GetJsonAsync(owner, "/api/v1/generations");
        Assert.Equal(id, Assert.Single(history.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        output.WriteLine($"[{provider}] cost {cost} credits; timings {job.GetProperty("timings")}");
    }

    [Fact]
    public async Task Submit_InvalidOrBeyondThePlan_Answers400AndWritesNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Strict");

        (string Field, object? Value)[][] invalid =
        [
            [("steps", 0)], [("width", 65)], [("prompt", "")], [("scheduler", "warp drive")],
            [("width", 1024)], [("batchSize", 5)], [("model", "sd-none")], [("seed", -1)],
        ];
        var fields = new List<string>();
        foreach (var change in invalid)
        {
            var response = await PortalWebFactory.SubmitGenerationAsync(owner, PortalWebFactory.TinyRequest(change));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(PortalWebFactory.Json)).GetProperty("errors");
            fields.AddRange(errors.EnumerateObject().Select(e => e.Name));
        }

        Assert.Equal(["steps", "width", "prompt", "scheduler", "width", "batchSize", "model", "seed"], fields);
        Assert.Equal((TenantLimitsDefaults.Credits, 0, 0), (await PortalWebFactory.BalanceAsync(owner),
            await portal.JobCountAsync(tenant.TenantId), await portal.LedgerEntriesAsync(tenant.TenantId, CreditEntryKind.Reserve)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Submit_WithoutEnoughCredits_Answers402AndWritesNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Broke");
        await portal.WithLedgerAsync(tenant.TenantId, l => l.AdjustAsync(tenant.TenantId, -TenantLimitsDefaults.Credits, "spend-all", "test"));

        var response = await PortalWebFactory.SubmitGenerationAsync(owner);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal((0L, 0, 0), (await PortalWebFactory.BalanceAsync(owner), await portal.JobCountAsync(tenant.TenantId),
            await portal.LedgerEntriesAsync(tenant.TenantId, CreditEntryKind.Reserve)));
    }

    [Fact]
    public async Task Submit_OverTheTenantsRateLimit_Answers429WithRetryAfterAndWritesNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more: ("Generation:SubmitsPerMinute", "2")));
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Hasty");
        var invalid = PortalWebFactory.TinyRequest(("steps", 0));
        await PortalWebFactory.SubmitGenerationAsync(owner, invalid);
        await PortalWebFactory.SubmitGenerationAsync(owner, invalid);

        var limited = await PortalWebFactory.SubmitGenerationAsync(owner);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal((0, TenantLimitsDefaults.Credits), (await portal.JobCountAsync(tenant.TenantId), await PortalWebFactory.BalanceAsync(owner)));
        output.WriteLine($"R20 HTTP code {(int)limited.StatusCode}, Retry-After {retryAfter} s, accepted after the limit 0");
    }

    [Fact]
    public async Task AnotherTenantsJobAndImage_Answer404Everywhere()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings());
        var (_, alice) = await portal.RegisterAndLoginAsync("Alice Co");
        var (_, mallory) = await portal.RegisterAndLoginAsync("Mallory Co");
        var id = await PortalWebFactory.SubmitAcceptedAsync(alice);
        var job = await PortalWebFactory.WaitForStatusAsync(alice, id, "succeeded");
        var image = job.GetProperty("images")[0].GetProperty("url").GetString()!;

        var statuses = new[]
        {
            (await mallory.GetAsync(U($"/api/v1/generations/{id}"))).StatusCode,
            (await mallory.PostAsync(U($"/api/v1/generations/{id}/cancel"), null)).StatusCode,
            (await mallory.GetAsync(U(image))).StatusCode,
        };
        var history = await PortalWebFactory.GetJsonAsync(mallory, "/api/v1/generations");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.NotFound, s));
        Assert.Empty(history.GetProperty("items").EnumerateArray());
        output.WriteLine($"R16 generations: successful responses 0/{statuses.Length} ({string.Join(", ", statuses.Select(s => (int)s))})");
    }
}

/// <summary>What a new free tenant starts with.</summary>
internal static class TenantLimitsDefaults
{
    public const long Credits = SdPortal.Data.Tenants.TenantLimits.FreePlanIncludedCredits;
}
