namespace BacklogPortal.Export;

/// <summary>
/// The column headings of the CSV export, in <c>ExportTexts.resx</c> (English) and <c>ExportTexts.de.resx</c> (German);
/// the key is the English text (docs/decisions/012-portal-language.md). Kinds and statuses use the backlog page's own
/// words (<c>CustomerTexts</c>), so a file says what the page says.
/// </summary>
public sealed class ExportTexts;
