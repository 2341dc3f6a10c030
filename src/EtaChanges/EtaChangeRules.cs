using System.Linq.Expressions;
using BacklogPortal.Data;

namespace BacklogPortal.EtaChanges;

/// <summary>
/// The rules every ETA change obeys, whatever its source: input validation, and which lines a
/// change touches (open ones whose ETA differs). The FTC consent rule it applies is
/// <see cref="DelayConsent"/>.
/// </summary>
public static class EtaChangeRules
{
    public const int MaxReasonTextLength = EtaChange.MaxReasonTextLength;

    /// <summary>A selection is sent as one parameter per line.</summary>
    public const int MaxSelectedLines = DatabaseLimits.MaxIdsPerStatement;

    public const int MaxChangedByLength = EtaChange.MaxChangedByLength;

    public static readonly DateOnly EarliestEta = new(2000, 1, 1);

    public const int MaxYearsAhead = 5;

    public static DateOnly LatestEta(DateOnly today) => today.AddYears(MaxYearsAhead);

    /// <summary>The reason text as the audit row stores it: trimmed, and no text at all rather than blanks.</summary>
    public static string? AuditText(string? reasonText) => string.IsNullOrWhiteSpace(reasonText) ? null : reasonText.Trim();

    public static IReadOnlyList<EtaChangeError> Validate(EtaChangeRequest request, DateOnly today)
    {
        var errors = new List<EtaChangeError>();
        if (request.NewEta is { } eta && eta < EarliestEta)
        {
            errors.Add(new(nameof(request.NewEta), $"The new ETA {eta:yyyy-MM-dd} is before {EarliestEta:yyyy}; check the year."));
        }
        else if (request.NewEta is { } later && later > LatestEta(today))
        {
            errors.Add(new(nameof(request.NewEta), $"The new ETA {later:yyyy-MM-dd} is more than {MaxYearsAhead} years ahead; check the year, or set the ETA to unknown."));
        }

        if (request.ReasonCode is not { } code)
        {
            errors.Add(new(nameof(request.ReasonCode), "Choose a reason for the change."));
        }
        else if (!Enum.IsDefined(code))
        {
            errors.Add(new(nameof(request.ReasonCode), $"Reason code {(int)code} does not exist."));
        }

        var text = request.ReasonText?.Trim();
        if (PlainText.FirstControlCharacter(text) is { } control)
        {
            errors.Add(new(nameof(request.ReasonText), $"The reason text contains a control character (U+{(int)control:X4}); {PlainText.ControlCharacterMessage}"));
        }
        else if (text?.Length > MaxReasonTextLength)
        {
            errors.Add(new(nameof(request.ReasonText), $"The reason text has {text.Length} characters; at most {MaxReasonTextLength} are allowed."));
        }
        else if (request.ReasonCode == EtaReasonCode.Other && string.IsNullOrEmpty(text))
        {
            errors.Add(new(nameof(request.ReasonText), "Describe the reason when the reason code is \"Other\"."));
        }

        if (!Enum.IsDefined(request.Source))
        {
            errors.Add(new(nameof(request.Source), $"Source {(int)request.Source} does not exist."));
        }
        if (string.IsNullOrWhiteSpace(request.ChangedBy))
        {
            errors.Add(new(nameof(request.ChangedBy), "Who makes the change is required for the audit trail."));
        }
        else if (request.ChangedBy.Length > MaxChangedByLength)
        {
            errors.Add(new(nameof(request.ChangedBy), $"The name of who makes the change is longer than {MaxChangedByLength} characters."));
        }

        switch (request.Target)
        {
            case null:
                errors.Add(new(nameof(request.Target), "Say which lines to change."));
                break;
            case EtaChangeTarget.SelectedLines { Lines: var lines }:
                if (lines.Count == 0)
                {
                    errors.Add(new(nameof(request.Target), "Select at least one line."));
                }
                else if (lines.Count > MaxSelectedLines)
                {
                    errors.Add(new(nameof(request.Target), $"{lines.Count:N0} lines are selected; at most {MaxSelectedLines:N0} can change at once. Change them by SKU or order instead."));
                }
                else if (lines.DistinctBy(l => l.LineId).Count() != lines.Count)
                {
                    errors.Add(new(nameof(request.Target), "A line is selected twice."));
                }
                break;
            case EtaChangeTarget.LinesById { LineIds: var ids } when ids.Count == 0:
                errors.Add(new(nameof(request.Target), "Name at least one line."));
                break;
            case EtaChangeTarget.OpenLinesOfOrder { OrderNumber: var number } when string.IsNullOrWhiteSpace(number):
                errors.Add(new(nameof(request.Target), "Enter an order number."));
                break;
            case EtaChangeTarget.OpenLinesOfSku { Sku: var sku } when string.IsNullOrWhiteSpace(sku):
                errors.Add(new(nameof(request.Target), "Choose a SKU."));
                break;
        }
        return errors;
    }

    internal static Expression<Func<OrderLine, bool>> DiffersFrom(DateOnly? newEta) => newEta is { } eta
        ? line => line.Eta == null || line.Eta != eta
        : line => line.Eta != null;

    /// <summary>The plain form of <see cref="DiffersFrom"/>, for lines already read.</summary>
    internal static bool Differs(DateOnly? eta, DateOnly? newEta) => eta != newEta;
}
