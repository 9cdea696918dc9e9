using Microsoft.Playwright;

namespace SdPortal.Tests.Browser;

/// <summary>Steps on the Create page that several browser tests take.</summary>
public static class CreatePageSteps
{
    /// <summary>Fills the Create form: the prompt, a 256 × 256 preset and, when given, the step count.</summary>
    public static async Task DescribeJobAsync(this IPage page, string prompt, int? steps = null)
    {
        await page.FillAsync("#prompt", prompt);
        await page.ChooseSizeAsync("256 × 256");
        if (steps is { } count)
        {
            await page.FillAsync("#steps", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Picks a size preset, e.g. "256 × 256", and waits for the list to close.</summary>
    public static async Task ChooseSizeAsync(this IPage page, string size)
    {
        await page.Locator(".size-select").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = size }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
    }

    /// <summary>Picks the adapter <paramref name="name"/> in the Adapters section and waits for its row.</summary>
    public static async Task PickAdapterAsync(this IPage page, string name)
    {
        await page.Locator(".adapter-select").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = name }).ClickAsync();
        await Assertions.Expect(page.Locator($".adapter-row[data-name='{name}']")).ToBeVisibleAsync();
    }

    /// <summary>Starts collecting, in the page, every distinct src the preview image takes (sampled every 10 ms).</summary>
    public static async Task RecordPreviewSourcesAsync(this IPage page) => await page.EvaluateAsync("""
        () => {
            window.__previewSources = new Set();
            setInterval(() => {
                const preview = document.querySelector('#job-preview');
                if (preview && preview.getAttribute('src')) window.__previewSources.add(preview.getAttribute('src'));
            }, 10);
        }
        """);

    /// <summary>The distinct preview sources recorded since <see cref="RecordPreviewSourcesAsync"/>.</summary>
    public static Task<string[]> PreviewSourcesAsync(this IPage page) => page.EvaluateAsync<string[]>("() => [...window.__previewSources]");
}
