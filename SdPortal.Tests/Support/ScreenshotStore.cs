using Microsoft.Playwright;

namespace SdPortal.Tests.Support;

/// <summary>Saves the browser tests' screenshots to docs/screenshots/, which the README shows.</summary>
public static class ScreenshotStore
{
    public static async Task SaveAsync(IPage page, string name)
    {
        var folder = Path.Combine(TestPaths.RepositoryRoot, "docs", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
    }
}
