using MudBlazor;

namespace BacklogPortal.Components.Layout;

/// <summary>The portal's colours and type, light and dark. System fonts only: nothing is loaded from the internet.</summary>
public static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1e3a8a",
            Secondary = "#0f766e",
            Tertiary = "#b45309",
            AppbarBackground = "#1e3a8a",
            Background = "#f6f7fb",
            DrawerBackground = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8ab4f8",
            Secondary = "#5eead4",
            Tertiary = "#fbbf24",
            AppbarBackground = "#111827",
            Background = "#0b1020",
            Surface = "#151b2e",
            DrawerBackground = "#111827",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px" },
    };
}
