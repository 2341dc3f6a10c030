using MudBlazor;

namespace BacklogPortal.Staff;

/// <summary>How staff dialogs open: full width up to a size, closed by Escape, never by a stray click outside.</summary>
public static class StaffDialogs
{
    public static DialogOptions Options(MaxWidth width) => new()
    {
        MaxWidth = width,
        FullWidth = true,
        CloseOnEscapeKey = true,
        BackdropClick = false,
    };
}
