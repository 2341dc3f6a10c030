using MudBlazor;

namespace BacklogPortal.Components.Layout;

/// <summary>The portal's colours and type, light and dark. System fonts only: nothing is loaded from the internet.</summary>
public static class PortalTheme
{
    private const string DarkText = "#111827";

    public static readonly MudTheme Theme = new()
    {
        // One line a group of roles: brand, status, surfaces.
        PaletteLight = new PaletteLight
        {
            Primary = "#1e3a8a", Secondary = "#0f766e", Tertiary = "#b45309",
            // Status colours dark enough for white text and for text on the page (WCAG AA, 4.5:1); MudBlazor's
            // defaults (#ffa800, #00c853, #f44336, #2196f3) fail that with white chips and buttons.
            Warning = "#b45309", Success = "#15803d", Error = "#b91c1c", Info = "#1d4ed8",
            AppbarBackground = "#1e3a8a", Background = "#f6f7fb", DrawerBackground = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8ab4f8", Secondary = "#5eead4", Tertiary = "#fbbf24",
            // Light status colours on the dark surface, each with dark text on filled chips and buttons.
            Warning = "#fbbf24", WarningContrastText = DarkText,
            Success = "#4ade80", SuccessContrastText = DarkText,
            Error = "#f87171", ErrorContrastText = DarkText,
            Info = "#93c5fd", InfoContrastText = DarkText,
            AppbarBackground = "#111827", Background = "#0b1020", Surface = "#151b2e", DrawerBackground = "#111827",
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
