namespace BacklogPortal.Domain;

/// <summary>
/// The audit row of one answer a customer gave to a delay, written in the same transaction as the
/// answer itself. The line keeps only its latest answer; these rows keep every one, with the ETA it answered.
/// </summary>
public class CustomerAnswer : LineRecord
{
    public const int MaxAnsweredByLength = 256;

    public CustomerResponse Response { get; set; }

    /// <summary>The line's ETA when the customer answered (null: not yet known).</summary>
    public DateOnly? AnsweredEta { get; set; }

    public DateTimeOffset AnsweredAt { get; set; }

    /// <summary>The user who answered (their email address).</summary>
    [MaxLength(MaxAnsweredByLength)]
    public required string AnsweredBy { get; set; }

    public AnswerSource Source { get; set; }

    /// <summary>
    /// The email that confirmed this answer to the customer, written in the answer's transaction; it links the
    /// email to the line for the staff's history drawer (confirmations carry no outbox row). Null for answers
    /// recorded before confirmations existed, and once retention has deleted the email.
    /// </summary>
    public long? ConfirmationNotificationId { get; set; }
}

public enum AnswerSource
{
    /// <summary>On the order page, reached by browsing the portal.</summary>
    Portal = 0,

    /// <summary>On the order page, reached by an accept / cancel link in a delay email.</summary>
    EmailLink = 1,
}
