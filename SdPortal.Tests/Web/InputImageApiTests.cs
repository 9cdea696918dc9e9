using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Tests.Imaging;
using SdPortal.Tests.Support;
using SkiaSharp;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Web;

/// <summary>
/// <c>/api/v1/input-images</c>: uploads of the three formats, the byte, pixel and side limits, refusals that store
/// nothing, member and tenant isolation (R16), paging, delete, and specs that name an upload.
/// </summary>
public sealed class InputImageApiTests(ITestOutputHelper output)
{
    private static SKColor Pattern(int x, int y) => new((byte)(x * 9), (byte)(y * 5), (byte)(200 - x - y));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Upload_PngJpegAndWebp_RoundTripMetadataAndBytes(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);
        var (_, owner) = await portal.RegisterAndLoginAsync("Uploaders");
        var (_, apiKey) = await PortalWebFactory.CreateApiKeyAsync(owner);
        using var keyClient = portal.CreateBearerClient(apiKey);

        foreach (var (format, name) in new[] { (SKEncodedImageFormat.Png, "png"), (SKEncodedImageFormat.Jpeg, "jpeg"), (SKEncodedImageFormat.Webp, "webp") })
        {
            var file = TestImageFiles.Encode(48, 24, Pattern, format, 90);
            // The claimed type is wrong on purpose: the bytes decide.
            using var response = await UploadAsync(keyClient, file, "image/gif", "photo.gif");

            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(PortalWebFactory.Json);
            var id = body.GetProperty("id").GetGuid();
            Assert.Equal($"/api/v1/input-images/{id}", response.Headers.Location?.ToString());
            Assert.Equal((name, 48, 24, (long)file.Length), (body.GetProperty("format").GetString(), body.GetProperty("width").GetInt32(),
                body.GetProperty("height").GetInt32(), body.GetProperty("sizeBytes").GetInt64()));
            Assert.True(body.GetProperty("createdAtUtc").GetDateTime() > DateTime.UtcNow.AddMinutes(-5));

            var metadata = await PortalWebFactory.GetJsonAsync(owner, $"/api/v1/input-images/{id}");
            Assert.Equal(body.ToString(), metadata.ToString());
            using var download = await owner.GetAsync(U($"/api/v1/input-images/{id}/file"));
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal($"image/{name}", download.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", Assert.Single(download.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal(file, await download.Content.ReadAsByteArrayAsync());
        }

        var list = await PortalWebFactory.GetJsonAsync(owner, "/api/v1/input-images");
        Assert.Equal(["webp", "jpeg", "png"], list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("format").GetString()));
        Assert.Equal(JsonValueKind.Null, list.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Upload_WithTheSignInCookieAndTheAntiforgeryToken_IsAccepted()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        var tenant = await portal.RegisterTenantAsync("Cookie Uploads");
        using var http = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var browser = new CookieSession(http);
        await browser.SignInAsync(tenant.Email, tenant.Password);
        var token = await browser.FormTokenAsync("/create");

        using var response = await browser.SendAsync(HttpMethod.Post, "/api/v1/input-images", Multipart(TestImageFiles.Encode(8, 8, Pattern)),
            r => r.Headers.Add("RequestVerificationToken", token));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(1, await RowCountAsync(portal, tenant.TenantId));
    }

    [Fact]
    public async Task Upload_TheLargestAllowedFilePasses_OneByteMoreIs413AndStoresNothing()
    {
        var file = TestImageFiles.Encode(16, 16, Pattern);
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings(("Inputs:MaxBytes", file.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Limits");

        using var tooLarge = await UploadAsync(owner, [.. file, 0]);
        var refusal = await FileErrorAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains(file.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), refusal, StringComparison.Ordinal);
        Assert.Equal((0, 0), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));

        using var largest = await UploadAsync(owner, file);
        Assert.Equal(HttpStatusCode.Created, largest.StatusCode);
        Assert.Equal((1, 1), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));
        output.WriteLine($"limit {file.Length} bytes: {file.Length + 1} → 413 ({refusal}); {file.Length} → 201");
    }

    [Fact]
    public async Task Upload_NotAnImageBrokenOrOverTheLimits_Is415Or422Or400_AndStoresNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings(("Inputs:MaxPixels", "100000")));
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Refusals");
        var png = TestImageFiles.Encode(64, 64, Pattern);
        var garbage = new byte[2048];
        new Random(3).NextBytes(garbage);
        garbage[0] = 0x42;

        (string Case, HttpContent Content, HttpStatusCode Status)[] cases =
        [
            ("GIF", Multipart("GIF89a\x01\0\x01\0\0\0\0;"u8.ToArray()), HttpStatusCode.UnsupportedMediaType),
            ("random bytes", Multipart(garbage), HttpStatusCode.UnsupportedMediaType),
            ("empty file", Multipart([]), HttpStatusCode.UnsupportedMediaType),
            ("truncated PNG", Multipart(png[..(png.Length / 2)]), HttpStatusCode.UnprocessableEntity),
            ("PNG signature only", Multipart(png[..8]), HttpStatusCode.UnprocessableEntity),
            ("1×100000 PNG", Multipart(TestImageFiles.Encode(1, 100_000, (_, _) => SKColors.Gray)), HttpStatusCode.UnprocessableEntity),
            ("400×400 over MaxPixels", Multipart(TestImageFiles.Encode(400, 400, Pattern)), HttpStatusCode.UnprocessableEntity),
            ("no file part", Multipart(png, field: "image"), HttpStatusCode.BadRequest),
            ("two file parts", TwoFiles(png), HttpStatusCode.BadRequest),
            ("JSON body", JsonContent.Create(new { file = "x" }), HttpStatusCode.BadRequest),
            ("multipart without its end", MultipartWithoutEnd(png), HttpStatusCode.BadRequest),
        ];
        foreach (var (name, content, status) in cases)
        {
            using var response = await owner.PostAsync(U("/api/v1/input-images"), content);
            var message = await FileErrorAsync(response, status);
            output.WriteLine($"{name}: {(int)response.StatusCode} {message}");
            content.Dispose();
        }

        Assert.Equal((0, 0), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));
    }

    [Fact]
    public async Task Upload_BeyondMaxPerMember_Is409UntilOneIsDeleted()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings(("Inputs:MaxPerMember", "2")));
        var (_, owner) = await portal.RegisterAndLoginAsync("Hoarders");
        var ids = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            ids.Add(await UploadedIdAsync(owner, TestImageFiles.Encode(8, 8, Pattern)));
        }

        using var third = await UploadAsync(owner, TestImageFiles.Encode(8, 8, Pattern));
        await FileErrorAsync(third, HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(U($"/api/v1/input-images/{ids[0]}"))).StatusCode);
        using var again = await UploadAsync(owner, TestImageFiles.Encode(8, 8, Pattern));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Fact]
    public async Task Upload_ControlCharactersInTheFileName_AreHarmless()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Odd Names");
        var png = TestImageFiles.Encode(8, 8, Pattern);
        const string boundary = "odd-boundary";
        var head = Encoding.Latin1.GetBytes(
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"evil\u0001\u001b[31m\u007f\u0000.png\"\r\nContent-Type: text/html\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
        using var content = new ByteArrayContent([.. head, .. png, .. tail]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");

        using var response = await owner.PostAsync(U("/api/v1/input-images"), content);

        var text = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{(int)response.StatusCode} {text}");
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest, $"HTTP {(int)response.StatusCode}");
        Assert.DoesNotContain("evil", text, StringComparison.Ordinal);
        Assert.Equal(response.StatusCode == HttpStatusCode.Created ? 1 : 0, await RowCountAsync(portal, tenant.TenantId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnotherMembersOrTenantsImage_AnswersExactlyLikeAnUnknownId_AndIsLeftAlone(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);
        var (tenantA, ownerA) = await portal.RegisterAndLoginAsync("Alpha Inputs");
        var (_, memberA) = await portal.AddMemberAsync(ownerA, "member@alpha-inputs.test");
        var (_, ownerB) = await portal.RegisterAndLoginAsync("Bravo Inputs");
        var (_, keyOfB) = await PortalWebFactory.CreateApiKeyAsync(ownerB);
        using var keyClientB = portal.CreateBearerClient(keyOfB);
        var file = TestImageFiles.Encode(16, 8, Pattern);
        var id = await UploadedIdAsync(memberA, file);

        var unknown = await AnswersAsync(memberA, Guid.NewGuid());
        // The tenant's owner is an admin, yet an input image is its uploader's alone (InputImageAccess.UsableBy).
        foreach (var (who, client) in new[] { ("owner of A", ownerA), ("owner of B", ownerB), ("API key of B", keyClientB) })
        {
            var answers = await AnswersAsync(client, id);
            output.WriteLine($"{who}: {string.Join(", ", answers.Select(a => a.Status))}");
            Assert.Equal(unknown, answers);
            var list = await PortalWebFactory.GetJsonAsync(client, "/api/v1/input-images");
            Assert.DoesNotContain(id.ToString(), list.ToString(), StringComparison.Ordinal);
        }

        Assert.All(unknown, a => Assert.Equal(HttpStatusCode.NotFound, a.Status));
        using var own = await memberA.GetAsync(U($"/api/v1/input-images/{id}/file"));
        Assert.Equal(file, await own.Content.ReadAsByteArrayAsync());
        Assert.Equal((1, 1), (await RowCountAsync(portal, tenantA.TenantId), FileCount(database, tenantA.TenantId)));
    }

    [Fact]
    public async Task Delete_RemovesTheRowAndTheFile_ThenAnswers404()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Deleters");
        var keep = await UploadedIdAsync(owner, TestImageFiles.Encode(8, 8, Pattern));
        var id = await UploadedIdAsync(owner, TestImageFiles.Encode(8, 8, Pattern, SKEncodedImageFormat.Jpeg));
        Assert.Equal(2, FileCount(database, tenant.TenantId));

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(U($"/api/v1/input-images/{id}"))).StatusCode);

        Assert.Equal((1, 1), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));
        Assert.False(File.Exists(Path.Combine(database.DataDirectory, "images", tenant.TenantId.ToString("N"), $"{id:N}.jpeg")));
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(U($"/api/v1/input-images/{id}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(U($"/api/v1/input-images/{id}/file"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.DeleteAsync(U($"/api/v1/input-images/{id}"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(U($"/api/v1/input-images/{keep}"))).StatusCode);
    }

    [Fact]
    public async Task List_PagedByTheCursor_CoversEveryImageOnceNewestFirst()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        var (_, owner) = await portal.RegisterAndLoginAsync("Pagers");
        var (_, member) = await portal.AddMemberAsync(owner, "member@pagers.test");
        await UploadedIdAsync(member, TestImageFiles.Encode(8, 8, Pattern)); // another member's: never listed
        var uploaded = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            uploaded.Add(await UploadedIdAsync(owner, TestImageFiles.Encode(8 + i, 8, Pattern)));
        }

        var seen = new List<Guid>();
        var pages = new List<int>();
        string? cursor = null;
        do
        {
            var page = await PortalWebFactory.GetJsonAsync(owner, $"/api/v1/input-images?limit=2{(cursor is null ? string.Empty : $"&cursor={cursor}")}");
            var items = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
            pages.Add(items.Count);
            seen.AddRange(items);
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal([2, 2, 1], pages);
        Assert.Equal(uploaded.OrderDescending(), seen);
        Assert.Equal(5, (await PortalWebFactory.GetJsonAsync(owner, "/api/v1/input-images")).GetProperty("items").GetArrayLength());
        foreach (var query in new[] { "limit=0", "limit=101", "limit=x", "cursor=not-a-cursor" })
        {
            using var bad = await owner.GetAsync(U($"/api/v1/input-images?{query}"));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Submit_NamingTheUploadAsInitAndMask_IsAccepted_AnotherMembersIdIs422OnInitImageId()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Painters");
        var (_, member) = await portal.AddMemberAsync(owner, "member@painters.test");
        var init = await UploadedIdAsync(owner, TestImageFiles.Encode(64, 64, Pattern));
        var mask = await UploadedIdAsync(owner, TestImageFiles.Encode(64, 64, (x, _) => x < 32 ? SKColors.White : SKColors.Black));
        var membersImage = await UploadedIdAsync(member, TestImageFiles.Encode(64, 64, Pattern));

        var accepted = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(
            ("initImageId", init), ("maskImageId", mask), ("strength", 0.5)));
        var job = await PortalWebFactory.GetJsonAsync(owner, $"/api/v1/generations/{accepted}");
        output.WriteLine($"accepted {accepted}: {job}");

        using var refused = await PortalWebFactory.SubmitGenerationAsync(owner, PortalWebFactory.TinyRequest(("initImageId", membersImage)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>(PortalWebFactory.Json)).GetProperty("errors");
        Assert.Equal(["initImageId"], errors.EnumerateObject().Select(e => e.Name));
        using var refusedMask = await PortalWebFactory.SubmitGenerationAsync(owner, PortalWebFactory.TinyRequest(
            ("initImageId", init), ("maskImageId", membersImage)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refusedMask.StatusCode);
        // A shape error beside it is the caller's to fix first: 400, as every other invalid body.
        using var mixed = await PortalWebFactory.SubmitGenerationAsync(owner, PortalWebFactory.TinyRequest(("initImageId", membersImage), ("steps", 0)));
        Assert.Equal(HttpStatusCode.BadRequest, mixed.StatusCode);
        Assert.Equal(1, await portal.JobCountAsync(tenant.TenantId));
    }

    [Fact]
    public async Task Inpaint_RunsThroughTheQueueToAnImage_WhoseUnmaskedPixelsAreTheUploadsAndWhoseStepsFollowStrength()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings());
        var (_, owner) = await portal.RegisterAndLoginAsync("Product shots");
        var upload = TestImageFiles.Encode(64, 64, Pattern);
        var init = await UploadedIdAsync(owner, upload);
        var mask = await UploadedIdAsync(owner, TestImageFiles.Encode(64, 64, (x, y) => x < 32 && y < 32 ? SKColors.White : SKColors.Black));
        var before = await PortalWebFactory.BalanceAsync(owner);

        var id = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(
            ("initImageId", init), ("maskImageId", mask), ("strength", 0.5), ("steps", 10), ("maskBlur", 0)));
        var job = await PortalWebFactory.WaitForStatusAsync(owner, id, "succeeded");
        using var file = await owner.GetAsync(U(job.GetProperty("images")[0].GetProperty("url").GetString()!));
        var pixels = TestPngDecoder.Decode(await file.Content.ReadAsByteArrayAsync()).Rgb;

        Assert.Equal(5, job.GetProperty("totalSteps").GetInt32()); // int(10 × 0.5) steps run
        var original = Inference.Imaging.InputImageDecoder.Decode(upload, Inference.Imaging.InputImageLimits.Default).Pixels;
        var (changedInside, changedOutside) = (0, 0);
        for (var i = 0; i < 64 * 64; i++)
        {
            var same = pixels.AsSpan(i * 3, 3).SequenceEqual(original.AsSpan(i * 3, 3));
            var masked = i % 64 < 32 && i / 64 < 32;
            (changedInside, changedOutside) = (changedInside + (masked && !same ? 1 : 0), changedOutside + (!masked && !same ? 1 : 0));
        }

        Assert.Equal(0, changedOutside);
        Assert.True(changedInside > 0, "nothing inside the mask was repainted");
        var charged = before - await PortalWebFactory.BalanceAsync(owner);
        Assert.Equal(job.GetProperty("credits").GetInt64(), charged);
        output.WriteLine($"{changedInside} of 1024 masked pixels repainted; {charged} credit(s) for 5 of 10 steps");
    }

    [Theory]
    [InlineData("Inputs:MaxBytes", "0")]
    [InlineData("Inputs:MaxBytes", "20971521")]
    [InlineData("Inputs:MaxPixels", "16777217")]
    [InlineData("Inputs:MaxSide", "8193")]
    [InlineData("Inputs:MaxPerMember", "-1")]
    public async Task Boot_WhenAnInputLimitIsNotPositiveOrAboveTheDecodersDefault_FailsNamingTheSetting(string key, string value)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings((key, value)));

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => portal.CreateClient());

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] settings) =>
        settings.ToDictionary(s => s.Key, s => s.Value);

    private static MultipartFormDataContent Multipart(byte[] file, string field = "file", string contentType = "image/png", string fileName = "upload.png")
    {
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { part, field, fileName } };
    }

    private static MultipartFormDataContent TwoFiles(byte[] file)
    {
        var content = Multipart(file);
        content.Add(new ByteArrayContent(file), "file", "second.png");
        return content;
    }

    private static ByteArrayContent MultipartWithoutEnd(byte[] file)
    {
        var head = Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n");
        var content = new ByteArrayContent([.. head, .. file]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        return content;
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] file, string contentType = "image/png", string fileName = "upload.png")
    {
        using var content = Multipart(file, contentType: contentType, fileName: fileName);
        return await client.PostAsync(U("/api/v1/input-images"), content);
    }

    private static async Task<Guid> UploadedIdAsync(HttpClient client, byte[] file)
    {
        using var response = await UploadAsync(client, file);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>(PortalWebFactory.Json)).GetProperty("id").GetGuid();
    }

    /// <summary>Asserts the status and a problem details naming the field <c>file</c>; returns its message.</summary>
    private static async Task<string> FileErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        return Assert.Single(body.GetProperty("errors").GetProperty("file").EnumerateArray()).GetString()!;
    }

    /// <summary>Status and body of GET, GET file and DELETE of <paramref name="id"/>, the trace id left out.</summary>
    private static async Task<List<(HttpStatusCode Status, string Body)>> AnswersAsync(HttpClient client, Guid id)
    {
        var answers = new List<(HttpStatusCode, string)>();
        foreach (var request in new[] { (HttpMethod.Get, $"/api/v1/input-images/{id}"), (HttpMethod.Get, $"/api/v1/input-images/{id}/file"), (HttpMethod.Delete, $"/api/v1/input-images/{id}") })
        {
            using var message = new HttpRequestMessage(request.Item1, U(request.Item2));
            using var response = await client.SendAsync(message);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(PortalWebFactory.Json);
            answers.Add((response.StatusCode, $"{body.GetProperty("status")} {body.GetProperty("title")}"));
        }

        return answers;
    }

    private static Task<int> RowCountAsync(PortalWebFactory portal, Guid tenantId) =>
        portal.WithContextAsync(tenantId, db => db.InputImages.CountAsync());

    private static int FileCount(TestDatabase database, Guid tenantId)
    {
        var folder = Path.Combine(database.DataDirectory, "images", tenantId.ToString("N"));
        return Directory.Exists(folder) ? Directory.GetFiles(folder).Length : 0;
    }
}
