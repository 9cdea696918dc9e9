using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Data.Inputs;
using SdPortal.Inference.Pipeline;
using SdPortal.Tests.Imaging;
using SdPortal.Tests.Support;
using SkiaSharp;
using Xunit.Abstractions;

namespace SdPortal.Tests.Browser;

/// <summary>
/// The Create page's image modes in a real browser: an upload, image to image, then a mask painted with the mouse on
/// the canvas over the image, submitted as an input image whose white pixels are where the stroke went.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class InpaintBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const int ImageWidth = 128;
    private const int ImageHeight = 96;

    [Fact]
    public async Task Upload_SwitchToInpaint_PaintAStroke_Generate_SubmitsTheMaskWhereTheStrokeWent()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings());
        portal.StartOnKestrel();
        var owner = await portal.RegisterTenantAsync("Inpainters");
        await using var session = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 1000 } });
        var page = await session.NewPageAsync();
        await page.SignInAsync(portal, owner.Email, owner.Password);
        await page.GotoInteractiveAsync(portal, "/create");

        await page.ClickAsync("#mode-img2img");
        var photo = TestImageFiles.Encode(ImageWidth, ImageHeight, (x, y) => new SKColor((byte)(x * 2), (byte)(y * 2), 128));
        // Blazor's InputFile listens once its script has initialised the element (it gives the element a file counter).
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('input[type=file]')].some(i => i._blazorInputFileNextFileId !== undefined)");
        await page.Locator("input[type=file]").Last.SetInputFilesAsync(new FilePayload { Name = "photo.png", MimeType = "image/png", Buffer = photo });
        await Assertions.Expect(page.Locator("#init-image-thumbnail")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#init-image-size")).ToContainTextAsync($"{ImageWidth} × {ImageHeight}");
        // The output size follows the image (both sides already multiples of 8).
        await Assertions.Expect(page.Locator("input#width")).ToHaveValueAsync($"{ImageWidth}");
        await Assertions.Expect(page.Locator("input#height")).ToHaveValueAsync($"{ImageHeight}");
        await Assertions.Expect(page.Locator("#strength-steps")).ToHaveTextAsync($"runs {(int)(20 * GenerationSpec.DefaultStrength)} of 20 steps");

        await page.ClickAsync("#mode-inpaint");
        var canvas = page.Locator("#mask-canvas");
        await Assertions.Expect(canvas).ToBeVisibleAsync();
        await page.WaitForFunctionAsync($"() => document.querySelector('#mask-canvas').width === {ImageWidth}");
        await page.FillAsync("#prompt", "a red door");
        await page.FillAsync("#steps", "4");

        // A horizontal stroke across the left half, at mid-height, from 10 % to 45 % of the width; the canvas centred in
        // the window first, clear of the app bar.
        await canvas.EvaluateAsync("c => c.scrollIntoView({ block: 'center' })");
        var box = (await canvas.BoundingBoxAsync())!;
        var y = box.Y + (box.Height / 2);
        await page.Mouse.MoveAsync(box.X + (box.Width * 0.10f), y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + (box.Width * 0.45f), y, new() { Steps = 12 });
        await page.Mouse.UpAsync();
        await ScreenshotStore.SaveAsync(page, "create-inpaint");

        await page.ClickAsync("#generate");
        var job = await WaitForJobAsync(portal, owner.TenantId);
        var spec = GenerationSpecJson.Deserialize(job.Spec);
        Assert.Equal(GenerationMode.Inpaint, spec.Mode);
        var (init, mask) = await portal.WithContextAsync(owner.TenantId, async db =>
            (await db.InputImages.SingleAsync(i => i.Id == spec.InitImageId), await db.InputImages.SingleAsync(i => i.Id == spec.MaskImageId)));
        Assert.Equal(("png", ImageWidth, ImageHeight), (mask.Format, mask.Width, mask.Height));
        Assert.Equal(photo, await File.ReadAllBytesAsync(PathOf(database, init)));

        using var maskBitmap = SKBitmap.Decode(await File.ReadAllBytesAsync(PathOf(database, mask)));
        var white = new List<(int X, int Y)>();
        for (var py = 0; py < ImageHeight; py++)
        {
            for (var px = 0; px < ImageWidth; px++)
            {
                var colour = maskBitmap.GetPixel(px, py);
                Assert.True(colour.Red == colour.Green && colour.Green == colour.Blue, $"({px}, {py}) is {colour}: a mask is grey");
                if (colour.Red > 127)
                {
                    white.Add((px, py));
                }
            }
        }

        var (minX, maxX, minY, maxY) = (white.Min(p => p.X), white.Max(p => p.X), white.Min(p => p.Y), white.Max(p => p.Y));
        output.WriteLine($"mask {mask.Id}: {white.Count} white pixels within x {minX}…{maxX}, y {minY}…{maxY}; job {job.Id} {job.Status}");
        // The brush is 6 px (a sixteenth of the shorter side): the white band is the stroke, widened by half a brush.
        Assert.InRange(minX, (0.10 * ImageWidth) - 5, (0.10 * ImageWidth) + 2);
        Assert.InRange(maxX, (0.45 * ImageWidth) - 2, (0.45 * ImageWidth) + 5);
        Assert.InRange(minY, (ImageHeight / 2) - 6, (ImageHeight / 2) - 1);
        Assert.InRange(maxY, (ImageHeight / 2), (ImageHeight / 2) + 5);
        Assert.True(white.Count > 0.8 * (maxX - minX) * (maxY - minY), $"{white.Count} white pixels: the band has holes");
        Assert.Equal(SKColors.Black, maskBitmap.GetPixel(ImageWidth - 4, 4));

        // The job's end: an image in the gallery, unless the model cannot start from an image yet.
        await Assertions.Expect(page.Locator("#job-done, #job-ended")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        if (await page.Locator("#job-done").IsVisibleAsync())
        {
            await page.GotoInteractiveAsync(portal, "/gallery");
            await Assertions.Expect(page.Locator("#gallery-grid .gallery-card")).ToHaveCountAsync(1);
            output.WriteLine("the job succeeded; the gallery shows its image");
        }
        else
        {
            var ended = await page.Locator("#job-ended").TextContentAsync();
            output.WriteLine($"the job ended without an image: {ended}");
            Assert.Contains("encode", ended, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Gallery_SendToImg2Img_OpensCreateWithTheImageAsTheInput()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings());
        portal.StartOnKestrel();
        var owner = await portal.RegisterTenantAsync("Senders");
        using (var api = await portal.LoginAsync(owner.Email))
        {
            var id = await PortalWebFactory.SubmitAcceptedAsync(api, PortalWebFactory.TinyRequest(("prompt", "a blue boat")));
            await PortalWebFactory.WaitForStatusAsync(api, id, "succeeded");
        }

        await using var session = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 1000 } });
        var page = await session.NewPageAsync();
        await page.SignInAsync(portal, owner.Email, owner.Password);
        await page.GotoInteractiveAsync(portal, "/gallery");
        await page.ClickAsync("#gallery-grid .gallery-card");
        await page.ClickAsync("#details-send-img2img");

        await page.WaitForURLAsync("**/create?**mode=img2img");
        await Assertions.Expect(page.Locator("#init-image-thumbnail")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#init-image-size")).ToContainTextAsync("64 × 64");
        await Assertions.Expect(page.Locator("#prompt")).ToHaveValueAsync("a blue boat");
        var inputs = await portal.WithContextAsync(owner.TenantId, db => db.InputImages.ToListAsync());
        var input = Assert.Single(inputs);
        var generated = await portal.WithContextAsync(owner.TenantId, db => db.GeneratedImages.SingleAsync());
        Assert.Equal(generated.ContentHash, input.ContentHash);
        Assert.Equal(owner.UserId, input.UserId);
    }

    private static string PathOf(TestDatabase database, InputImage image) => Path.Combine(database.DataDirectory, "images", image.ContentPath);

    private static async Task<GenerationJob> WaitForJobAsync(PortalWebFactory portal, Guid tenantId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await portal.WithContextAsync(tenantId, db => db.GenerationJobs.AsNoTracking().SingleOrDefaultAsync()) is { } job)
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, "no job was submitted");
            await Task.Delay(100);
        }
    }
}
