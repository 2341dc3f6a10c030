namespace BacklogPortal.Components.Pages;

/// <summary>
/// A page that needs no interactivity (not found, error): App renders it as static HTML with the portal's look, and
/// no circuit starts for it, even for a signed-in user. A circuit costs the server memory for as long as the tab is open.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class NoCircuitAttribute : Attribute;
