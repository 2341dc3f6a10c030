namespace BacklogPortal.Orders;

/// <summary>Quantities on the order page; dates come from <see cref="Domain.DateFormat"/>.</summary>
internal static class OrderFormat
{
    public static string Units(int count) => count == 1 ? "1 unit" : $"{count:N0} units";
}

/// <summary>Feedback shown on one line after the customer answered (or tried to).</summary>
public sealed record LineMessage(MudBlazor.Severity Severity, string Text);
