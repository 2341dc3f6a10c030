namespace BacklogPortal.Domain;

/// <summary>
/// The audit row of one answer a customer gave to a delay, written in the same transaction as the
/// answer itself. The line keeps only its latest answer; these rows keep every one, with the ETA it answered.
/// </summary>
public class CustomerAnswer
{
    public const int MaxAnsweredByLength = 256;

    public long Id { get; set; }

    public int CustomerId { get; set; }

    public int OrderLineId { get; set; }

    public CustomerResponse Response { get; set; }

    /// <summary>The line's ETA when the customer answered (null: not yet known).</summary>
    public DateOnly? AnsweredEta { get; set; }

    public DateTimeOffset AnsweredAt { get; set; }

    /// <summary>The user who answered (their email address).</summary>
    public required string AnsweredBy { get; set; }

    public AnswerSource Source { get; set; }
}

public enum AnswerSource
{
    /// <summary>On the order page, reached by browsing the portal.</summary>
    Portal = 0,

    /// <summary>On the order page, reached by an accept / cancel link in a delay email.</summary>
    EmailLink = 1,
}
