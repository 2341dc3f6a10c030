namespace BacklogPortal.Orders;

/// <summary>Feedback shown on one line after the customer answered (or tried to).</summary>
public sealed record LineMessage(MudBlazor.Severity Severity, string Text);
