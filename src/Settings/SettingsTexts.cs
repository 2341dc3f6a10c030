namespace BacklogPortal.Settings;

/// <summary>
/// The strings of <c>/settings/notifications</c> and its messages, in <c>SettingsTexts.resx</c> (English) and
/// <c>SettingsTexts.de.resx</c> (German); the key is the English text (docs/decisions/012-portal-language.md).
/// </summary>
public sealed class SettingsTexts;
