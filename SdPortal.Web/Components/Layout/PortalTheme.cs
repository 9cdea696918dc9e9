using MudBlazor;

namespace SdPortal.Web.Components.Layout;

/// <summary>The portal's palette, light and dark.</summary>
internal static class PortalTheme
{
    public static MudTheme Default { get; } = new()
    {
        PaletteLight = new PaletteLight { Primary = "#5B4BDB", Secondary = "#00A3A3", AppbarBackground = "#3F33A8" },
        PaletteDark = new PaletteDark { Primary = "#8C7CFF", Secondary = "#3CCFCF" },
    };
}
