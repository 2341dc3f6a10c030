using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;

namespace BacklogPortal.Staff.Lines;

/// <summary>What a person enters to change an ETA; turned into an <see cref="EtaChangeRequest"/> for the service.</summary>
public sealed class EtaChangeForm
{
    public DateTime? Date { get; set; }

    public bool Unknown { get; set; }

    public EtaReasonCode? ReasonCode { get; set; }

    public string? ReasonText { get; set; }

    public DateOnly? NewEta => Unknown || Date is not { } date ? null : DateOnly.FromDateTime(date);

    public EtaChangeRequest ToRequest(EtaChangeTarget target, string changedBy) =>
        new(target, NewEta, ReasonCode, ReasonText, ChangeSource.Staff, changedBy);

    /// <summary>The service's rules plus the one only a form can break: no date picked and "unknown" not chosen.</summary>
    public IReadOnlyList<EtaChangeError> Validate(EtaChangeTarget target, string changedBy, DateOnly today)
    {
        var errors = EtaChangeRules.Validate(ToRequest(target, changedBy), today).ToList();
        if (!Unknown && Date is null)
        {
            errors.Insert(0, new(nameof(EtaChangeRequest.NewEta), "Pick the new date, or switch on \"Date not yet known\"."));
        }
        return errors;
    }
}
