using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Tests.Imaging;
using SdPortal.Tests.Support;
using SkiaSharp;
using Xunit.Abstractions;
using static SdPortal.Tests.Lora.LoraTestFiles;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Lora;

/// <summary>
/// <c>/api/v1/loras</c>: an upload round trip, tenant isolation (R16), refusals (hostile files, pickles, size, count,
/// names, adapters that fit no model) that each leave no row and no file, paging, and delete.
/// </summary>
public sealed class LoraAdapterApiTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task LoraUpload_AValidAdapterWithAPreview_RoundTripsInListGetFileAndPreview(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Product Shots");
        var (_, apiKey) = await PortalWebFactory.CreateApiKeyAsync(owner);
        using var keyClient = portal.CreateBearerClient(apiKey);
        var file = Valid(portal);
        var preview = TestImageFiles.Encode(32, 16, (x, y) => new SKColor((byte)(x * 8), (byte)(y * 16), 90));

        var body = await UploadedAsync(keyClient, file, "acme-mug_v1.2", triggerWords: "acmemug, studio light", preview: preview);

        var id = body.GetProperty("id").GetGuid();
        output.WriteLine(body.ToString());
        Assert.Equal(("acme-mug_v1.2", "acmemug, studio light", false, true, (long)file.Length, "kohya"),
            (body.GetProperty("name").GetString(), body.GetProperty("triggerWords").GetString(), body.GetProperty("shared").GetBoolean(),
             body.GetProperty("mine").GetBoolean(), body.GetProperty("sizeBytes").GetInt64(), body.GetProperty("format").GetString()));
        Assert.Equal(4, body.GetProperty("rank").GetInt32());
        Assert.True(body.GetProperty("moduleCount").GetInt32() > 0);
        Assert.Equal(["tiny-synthetic"], body.GetProperty("compatibleModels").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file)), body.GetProperty("contentHash").GetString());
        Assert.True(body.GetProperty("createdAt").GetDateTime() > DateTime.UtcNow.AddMinutes(-5));

        Assert.Equal(body.ToString(), (await PortalWebFactory.GetJsonAsync(owner, $"{Route}/{id}")).ToString());
        using var download = await owner.GetAsync(U(body.GetProperty("fileUrl").GetString()!));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("acme-mug_v1.2.safetensors", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal("nosniff", Assert.Single(download.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(file, await download.Content.ReadAsByteArrayAsync());
        using var previewDownload = await owner.GetAsync(U(body.GetProperty("previewUrl").GetString()!));
        Assert.Equal("image/png", previewDownload.Content.Headers.ContentType?.MediaType);
        Assert.Equal(preview, await previewDownload.Content.ReadAsByteArrayAsync());

        var list = await PortalWebFactory.GetJsonAsync(owner, Route);
        Assert.Equal(body.ToString(), Assert.Single(list.GetProperty("items").EnumerateArray()).ToString());
        Assert.Equal(JsonValueKind.Null, list.GetProperty("nextCursor").ValueKind);
        Assert.Equal((1, 2), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task LoraOfAnotherTenant_AnswersLikeAnUnknownId_OnEveryRoute_AndIsNeverListed(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenantA, ownerA) = await portal.RegisterAndLoginAsync("Alpha Loras");
        var (_, ownerB) = await portal.RegisterAndLoginAsync("Bravo Loras");
        var (_, keyOfB) = await PortalWebFactory.CreateApiKeyAsync(ownerB);
        using var keyClientB = portal.CreateBearerClient(keyOfB);
        var adapter = await UploadedAsync(ownerA, Valid(portal), "alpha-product", preview: TestImageFiles.Encode(8, 8, (_, _) => SKColors.Teal));
        var id = adapter.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(ownerA, id, new { shared = true })).StatusCode);

        var unknown = await AnswersAsync(ownerB, Guid.NewGuid());
        foreach (var (who, client) in new[] { ("owner of B", ownerB), ("API key of B", keyClientB) })
        {
            var answers = await AnswersAsync(client, id);
            output.WriteLine($"{who}: {string.Join(", ", answers.Select(a => a.Status))}");
            Assert.Equal(unknown, answers);
            Assert.DoesNotContain(id.ToString(), (await PortalWebFactory.GetJsonAsync(client, Route)).ToString(), StringComparison.Ordinal);
        }

        Assert.All(unknown, a => Assert.Equal(HttpStatusCode.NotFound, a.Status));
        // B may even take the same name: names are unique per tenant.
        await UploadedAsync(ownerB, Valid(portal, seed: 9), "Alpha-Product");
        var own = await PortalWebFactory.GetJsonAsync(ownerA, $"{Route}/{id}");
        Assert.Equal(("alpha-product", true), (own.GetProperty("name").GetString(), own.GetProperty("shared").GetBoolean()));
        Assert.Equal((1, 2), (await RowCountAsync(portal, tenantA.TenantId), FileCount(database, tenantA.TenantId)));
    }

    public static TheoryData<string, string> HostileFiles => new()
    {
        { "truncated", "truncated" },
        { "huge header length", "huge" },
        { "header past the file", "past" },
        { "wrong data offsets", "offsets" },
        { "header not JSON", "json" },
        { "random bytes", "random" },
        { "empty file", "empty" },
        { "no LoRA keys", "nolora" },
    };

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public async Task LoraUpload_AHostileOrBrokenFile_Is400OnFile_AndStoresNothing(string name, string kind)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Hostile Uploads");
        var valid = Valid(portal);
        var random = new byte[4096];
        new Random(5).NextBytes(random);
        random[0] = 0x10; // neither a zip nor a pickle marker
        var file = kind switch
        {
            "truncated" => valid[..(valid.Length / 2)],
            "huge" => WithHeaderLength(valid, ulong.MaxValue),
            "past" => WithHeaderLength(valid, (ulong)valid.Length),
            "offsets" => WithWrongOffsets(valid),
            "json" => [.. BitConverter.GetBytes(8L), .. "not json"u8.ToArray(), 0, 0],
            "random" => random,
            "empty" => [],
            "nolora" => Inference.Lora.SafetensorsWriter.Write([new("weight", Inference.Lora.SafetensorsDType.F32, [2], [1, 2])]),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        using var response = await UploadAsync(owner, file, "hostile");

        var message = await FieldErrorAsync(response, HttpStatusCode.BadRequest, "file");
        output.WriteLine($"{name}: {message}");
        Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
        Assert.Equal((0, 0), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));
    }

    [Fact]
    public async Task LoraUpload_APickleCheckpointByExtensionOrBytes_Is415SayingHowToConvert_AndStoresNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Pickles");
        var valid = Valid(portal);
        byte[] zip = [.. "PK\x03\x04"u8.ToArray(), .. new byte[60]];
        byte[] protocol2 = [0x80, 0x02, 0x7d, 0x71, 0x00, 0x28, .. new byte[40], 0x2e];
        byte[] protocol5 = [0x80, 0x05, 0x95, 0x20, 0, 0, 0, 0, 0, 0, 0, 0x7d, .. new byte[40], 0x2e];

        (string Case, byte[] File, string FileName)[] cases =
        [
            (".ckpt name, safetensors bytes", valid, "adapter.ckpt"),
            (".pt name", valid, "adapter.pt"),
            (".PTH name", valid, "ADAPTER.PTH"),
            (".bin name", valid, "pytorch_lora_weights.bin"),
            ("zip bytes (torch.save)", zip, "adapter.safetensors"),
            ("pickle protocol 2 bytes", protocol2, "adapter.safetensors"),
            ("pickle protocol 5 bytes", protocol5, "adapter"),
        ];
        foreach (var (name, file, fileName) in cases)
        {
            using var response = await UploadAsync(owner, file, "pickled", fileName);
            var message = await FieldErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "file");
            Assert.Contains("pickle", message, StringComparison.Ordinal);
            Assert.Contains("only .safetensors adapters are accepted", message, StringComparison.Ordinal);
            Assert.Contains("save_file", message, StringComparison.Ordinal);
            output.WriteLine($"{name}: 415");
        }

        Assert.Equal((0, 0), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));
        // A safetensors header of exactly 640 bytes starts 0x80 0x02 too: it is no pickle, and goes on to be matched.
        using var header640 = await UploadAsync(owner, WithHeaderOf640Bytes(Unmatched(1)), "header-640");
        await FieldErrorAsync(header640, HttpStatusCode.UnprocessableEntity, "file");
    }

    [Fact]
    public async Task LoraUpload_ThePlansLargestFilePasses_OneByteMoreIs413AndStoresNothing_AndTheNodeCeilingCapsThePlan()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Big Files");
        var file = Valid(portal);
        await SetLimitsAsync(portal, tenant.TenantId, maxAdapterBytes: file.Length - 1);

        using var tooLarge = await UploadAsync(owner, file, "too-large");
        var message = await FieldErrorAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge, "file");
        Assert.Contains((file.Length - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), message, StringComparison.Ordinal);
        Assert.Equal((0, 0), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));

        await SetLimitsAsync(portal, tenant.TenantId, maxAdapterBytes: file.Length);
        await UploadedAsync(owner, file, "largest");
        output.WriteLine($"limit {file.Length} bytes: {file.Length} → 201; at {file.Length - 1}: 413 ({message})");

        await using var capped = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var node = new PortalWebFactory(capped, Settings(("Adapters:MaxBytes", $"{file.Length - 1}")));
        var (_, other) = await node.RegisterAndLoginAsync("Capped Node");
        using var overNode = await UploadAsync(other, file, "over-the-node");
        await FieldErrorAsync(overNode, HttpStatusCode.RequestEntityTooLarge, "file");
        var limits = (await PortalWebFactory.GetJsonAsync(other, "/api/v1/tenant")).GetProperty("limits");
        Assert.Equal((5, 256L * 1024 * 1024), (limits.GetProperty("maxAdapters").GetInt32(), limits.GetProperty("maxAdapterBytes").GetInt64()));
    }

    [Fact]
    public async Task LoraUpload_BeyondThePlansCount_Is409SayingWhy_UntilOneIsDeleted()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Collectors");
        var (_, member) = await portal.AddMemberAsync(owner, "member@collectors.test");
        await SetLimitsAsync(portal, tenant.TenantId, maxAdapters: 2);
        var first = await UploadedAsync(owner, Valid(portal, seed: 1), "first");
        await UploadedAsync(member, Valid(portal, seed: 2), "second");

        // The count is the tenant's, all members together.
        using var third = await UploadAsync(member, Valid(portal, seed: 3), "third");
        var message = await FieldErrorAsync(third, HttpStatusCode.Conflict, "file");
        Assert.Contains("2 LoRA adapters", message, StringComparison.Ordinal);
        Assert.Equal((2, 2), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(U($"{Route}/{first.GetProperty("id").GetGuid()}"))).StatusCode);
        Assert.Equal((1, 1), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));
        await UploadedAsync(member, Valid(portal, seed: 3), "third");
        output.WriteLine($"limit 2: third → 409 ({message}); after a delete → 201");
    }

    [Fact]
    public async Task LoraUpload_ConcurrentUploadsForTheLastPlace_OnlyOneWins()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Racers");
        await SetLimitsAsync(portal, tenant.TenantId, maxAdapters: 1);
        var file = Valid(portal);

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => UploadAsync(owner, file, $"racer-{i}")));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal((1, 1), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));
    }

    public static TheoryData<string, string, string?, string> BadFields => new()
    {
        { "no name", "name", null, "name" },
        { "empty name", "name", "   ", "name" },
        { "control character", "name", "bad\u0001name", "name" },
        { "line break", "name", "two\nlines", "name" },
        { "65 characters", "name", new string('a', 65), "name" },
        { "leading dash", "name", "-product", "name" },
        { "space inside", "name", "my product", "name" },
        { "colon (ends a prompt tag)", "name", "prod:1", "name" },
        { "non-ASCII letter", "name", "café", "name" },
        { "trigger words with a tab", "triggerWords", "a\tb", "triggerWords" },
        { "501 characters of trigger words", "triggerWords", new string('w', 501), "triggerWords" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task LoraUpload_ANameOrTriggerWordsAgainstTheRules_Is400OnThatField_AndStoresNothing(string @case, string field, string? value, string expectedField)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Names");

        using var response = field == "name"
            ? await UploadAsync(owner, Valid(portal), value)
            : await UploadAsync(owner, Valid(portal), "fine-name", triggerWords: value);

        var message = await FieldErrorAsync(response, HttpStatusCode.BadRequest, expectedField);
        output.WriteLine($"{@case}: {message}");
        Assert.Equal((0, 0), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));
    }

    [Fact]
    public async Task LoraName_TakenInAnotherCase_Is409OnName_OnUploadAndRename_AndStoresNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Twins");
        var (_, member) = await portal.AddMemberAsync(owner, "member@twins.test");
        await UploadedAsync(owner, Valid(portal, seed: 1), "Product.v2");
        var other = await UploadedAsync(member, Valid(portal, seed: 2), "other");

        // Another member's private adapter holds the name all the same: names are the tenant's.
        using var taken = await UploadAsync(member, Valid(portal, seed: 3), "PRODUCT.V2");
        var message = await FieldErrorAsync(taken, HttpStatusCode.Conflict, "name");
        Assert.Equal((2, 2), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));

        using var rename = await PatchAsync(member, other.GetProperty("id").GetGuid(), new { name = "product.V2" });
        await FieldErrorAsync(rename, HttpStatusCode.Conflict, "name");
        using var sameInOtherCase = await PatchAsync(member, other.GetProperty("id").GetGuid(), new { name = "OTHER" });
        Assert.Equal(HttpStatusCode.OK, sameInOtherCase.StatusCode);
        output.WriteLine($"PRODUCT.V2 beside Product.v2 → 409: {message}");
    }

    [Fact]
    public async Task LoraUpload_AnAdapterThatFitsNoModel_Is422NamingTenKeysAndHowManyMore_AndStoresNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Misfits");

        using var response = await UploadAsync(owner, Unmatched(13), "misfit");

        var message = await FieldErrorAsync(response, HttpStatusCode.UnprocessableEntity, "file");
        output.WriteLine(message);
        Assert.Contains("tiny-synthetic", message, StringComparison.Ordinal);
        Assert.Contains("no_such_block_0", message, StringComparison.Ordinal);
        Assert.Contains("and 3 more", message, StringComparison.Ordinal);
        Assert.Equal(10, System.Text.RegularExpressions.Regex.Count(message, "no_such_block_"));
        Assert.Equal((0, 0), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));
    }

    [Fact]
    public async Task LoraUpload_WhenACatalogueModelIsHeldOnlyByTheHosts_AnAdapterThatFitsNothingHereIsKeptForThemToJudge()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var hostsOnly = Path.Combine(database.DataDirectory, "not-on-this-node");
        await using var portal = new PortalWebFactory(database, Settings(("Models:Catalogue:sd15", hostsOnly)));
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Distributed");

        var foreign = await UploadedAsync(owner, Unmatched(2), "for-sd15");
        var tiny = await UploadedAsync(owner, Valid(portal), "for-tiny");

        // This web node cannot judge sd15 (ModelCapabilities' rule): it keeps the adapter, unmatched, for the hosts.
        Assert.Equal(0, foreign.GetProperty("compatibleModels").GetArrayLength());
        Assert.Equal(["tiny-synthetic"], tiny.GetProperty("compatibleModels").EnumerateArray().Select(m => m.GetString()));
        var row = await portal.WithContextAsync(tenant.TenantId, db => db.LoraAdapters.AsNoTracking().SingleAsync(a => a.Name == "for-sd15"));
        Assert.Equal(["tiny-synthetic"], row.CheckedModels);
    }

    [Fact]
    public async Task LoraUpload_ABadPreview_IsRefusedOnPreviewLikeAnInputImage_AndStoresNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings(("Inputs:MaxPixels", "10000")));
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Previews");
        var png = TestImageFiles.Encode(64, 64, (x, y) => new SKColor((byte)x, (byte)y, 0));

        (string Case, byte[] Preview, HttpStatusCode Status)[] cases =
        [
            ("GIF", "GIF89a\x01\0\x01\0\0\0\0;"u8.ToArray(), HttpStatusCode.UnsupportedMediaType),
            ("truncated PNG", png[..(png.Length / 2)], HttpStatusCode.UnprocessableEntity),
            ("over Inputs:MaxPixels", TestImageFiles.Encode(200, 200, (_, _) => SKColors.Gray), HttpStatusCode.UnprocessableEntity),
        ];
        foreach (var (name, preview, status) in cases)
        {
            using var response = await UploadAsync(owner, Valid(portal), "with-preview", preview: preview);
            output.WriteLine($"{name}: {await FieldErrorAsync(response, status, "preview")}");
        }

        Assert.Equal((0, 0), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));
    }

    [Fact]
    public async Task LoraUpload_NotMultipartOrWithoutAFile_Is400()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Forms");

        using var json = await owner.PostAsync(U(Route), System.Net.Http.Json.JsonContent.Create(new { name = "x" }));
        await FieldErrorAsync(json, HttpStatusCode.BadRequest, "file");
        using var noFile = new MultipartFormDataContent { { new StringContent("x"), "name" } };
        await FieldErrorAsync(await owner.PostAsync(U(Route), noFile), HttpStatusCode.BadRequest, "file");
        Assert.Equal(0, await RowCountAsync(portal, tenant.TenantId));
    }

    [Fact]
    public async Task LoraList_PagedByTheCursor_CoversEveryAdapterOnceNewestFirst()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var (_, owner) = await portal.RegisterAndLoginAsync("Pagers");
        var uploaded = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            uploaded.Add((await UploadedAsync(owner, Valid(portal, seed: (ulong)i), $"page-{i}")).GetProperty("id").GetGuid());
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await PortalWebFactory.GetJsonAsync(owner, $"{Route}?limit=2{(cursor is null ? string.Empty : $"&cursor={cursor}")}");
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(uploaded.OrderDescending(), seen);
        foreach (var query in new[] { "limit=0", "limit=101", "cursor=nope" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await owner.GetAsync(U($"{Route}?{query}"))).StatusCode);
        }
    }

    [Fact]
    public async Task LoraDelete_RemovesTheRowTheFileAndThePreview_ThenAnswers404()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Deleters");
        var keep = await UploadedAsync(owner, Valid(portal, seed: 1), "keep");
        var gone = await UploadedAsync(owner, Valid(portal, seed: 2), "gone", preview: TestImageFiles.Encode(8, 8, (_, _) => SKColors.Red));
        var id = gone.GetProperty("id").GetGuid();
        Assert.Equal(3, FileCount(database, tenant.TenantId));

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(U($"{Route}/{id}"))).StatusCode);

        Assert.Equal((1, 1), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(U($"{Route}/{id}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(U($"{Route}/{id}/file"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.DeleteAsync(U($"{Route}/{id}"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(U($"{Route}/{keep.GetProperty("id").GetGuid()}"))).StatusCode);
        // The name is free again.
        await UploadedAsync(owner, Valid(portal, seed: 3), "GONE");
    }

    [Theory]
    [InlineData("Adapters:MaxBytes", "0")]
    [InlineData("Adapters:MaxBytes", "2147483592")]
    [InlineData("Billing:Plans:0:MaxAdapters", "-1")]
    [InlineData("Billing:Plans:0:MaxAdapterBytes", "0")]
    public async Task LoraBoot_WhenAnAdapterLimitIsOutOfRange_FailsNamingTheSetting(string key, string value)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = Settings((key, value), ("Billing:Plans:0:Key", "free"), ("Billing:Plans:0:Name", "Free"));
        await using var portal = new PortalWebFactory(database, settings);

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => portal.CreateClient());

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        output.WriteLine(error.Message);
    }

    /// <summary>Status and title of GET, GET file, GET preview, PATCH and DELETE of <paramref name="id"/>.</summary>
    private static async Task<List<(HttpStatusCode Status, string Body)>> AnswersAsync(HttpClient client, Guid id)
    {
        var answers = new List<(HttpStatusCode, string)>();
        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Get, $"{Route}/{id}"), (HttpMethod.Get, $"{Route}/{id}/file"), (HttpMethod.Get, $"{Route}/{id}/preview"),
                     (HttpMethod.Patch, $"{Route}/{id}"), (HttpMethod.Delete, $"{Route}/{id}"),
                 })
        {
            using var message = new HttpRequestMessage(method, U(path));
            if (method == HttpMethod.Patch)
            {
                message.Content = System.Net.Http.Json.JsonContent.Create(new { name = "stolen", shared = false });
            }

            using var response = await client.SendAsync(message);
            var body = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
            answers.Add((response.StatusCode, $"{body.GetProperty("status")} {body.GetProperty("title")}"));
        }

        return answers;
    }
}
