namespace BacklogPortal.Backlog;

/// <summary>
/// The strings of the customer pages (backlog, orders, their dialogs, the customer navigation), in
/// <c>CustomerTexts.resx</c> (English) and <c>CustomerTexts.de.resx</c> (German) beside this file; pages
/// inject <c>IStringLocalizer&lt;CustomerTexts&gt;</c>. The key is the English text, so a string missing
/// from a translation shows in English (docs/decisions/012-portal-language.md).
/// </summary>
public sealed class CustomerTexts;
