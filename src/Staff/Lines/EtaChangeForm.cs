using BacklogPortal.EtaChanges;

namespace BacklogPortal.Staff.Lines;

/// <summary>What a person enters to change an ETA; turned into an <see cref="EtaChangeRequest"/> for the service.</summary>
public sealed class EtaChangeForm
{
    public DateTime? Date { get; set; }

    public bool Unknown { get; set; }

    public EtaReasonCode? ReasonCode { get; set; }

    public string? ReasonText { get; set; }

    /// <summary>A date this far ahead is more often a typo than a plan: the person confirms it first.</summary>
    public const int ConfirmDaysAhead = 365;

    public DateOnly? NewEta => Unknown || Date is not { } date ? null : DateOnly.FromDateTime(date);

    /// <summary>Ticked by the person after being asked about a date more than a year away.</summary>
    public bool FarDateConfirmed { get; set; }

    public bool NeedsFarDateConfirmation(DateOnly today) => NewEta is { } eta && eta > today.AddDays(ConfirmDaysAhead) && !FarDateConfirmed;

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
        else if (NewEta is { } eta && eta < today && errors.All(e => e.Field != nameof(EtaChangeRequest.NewEta)))
        {
            // An ETA is a date still to come, or "not yet known"; a passed date is what "overdue" means.
            errors.Insert(0, new(nameof(EtaChangeRequest.NewEta), $"{DateFormat.Short(eta)} has passed. Pick today or a later date, or switch on \"Date not yet known\"."));
        }
        else if (NeedsFarDateConfirmation(today) && errors.All(e => e.Field != nameof(EtaChangeRequest.NewEta)))
        {
            errors.Insert(0, new(nameof(EtaChangeRequest.NewEta), "The date is more than a year away: confirm it below, or pick another."));
        }
        return errors;
    }
}
