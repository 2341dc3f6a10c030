namespace BacklogPortal.Notifications;

/// <summary>The <c>Notifications:*</c> keys: coalescing, dispatch, retries and schedules.</summary>
public sealed class NotificationsOptions : IValidatableObject
{
    public const string SectionName = "Notifications";

    /// <summary>
    /// Changes for one customer are collected this long (from the oldest waiting change) and then
    /// sent as one email, so a burst of edits becomes one message and a date moved back sends nothing.
    /// </summary>
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the composer and dispatcher look for work when nobody wakes them (other instances, lost signals).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts per email before a transient failure becomes final.</summary>
    public int MaxAttempts { get; set; } = 30;

    /// <summary>How long a dispatcher's claim on an email lasts; a dead instance's claims are taken over after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long after its creation an email is still retried; after that a transient failure is final.</summary>
    public TimeSpan RetryLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Backoff before the second attempt; doubles with every attempt (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Emails claimed per dispatch round.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Customers composed per database transaction.</summary>
    public int ComposeBatchSize { get; set; } = 250;

    /// <summary>
    /// Lines listed in one email; a customer with more changed lines (a distributor in a SKU-wide
    /// change) gets the first ones, those needing a decision first, and a count with a link to the rest.
    /// </summary>
    public int MaxLinesPerEmail { get; set; } = 100;

    /// <summary>Long-lived SMTP connections the dispatcher sends over in parallel.</summary>
    public int SmtpConnections { get; set; } = 4;

    /// <summary>A connection idle for longer is checked with NOOP before the next message (servers drop idle clients).</summary>
    public TimeSpan SmtpIdleCheck { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Local time of day (in each customer's time zone) at which the daily digest goes out.</summary>
    public TimeSpan DigestTimeOfDay { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How often open lines are checked for passed ETAs (overdue reminders).</summary>
    public TimeSpan OverdueScanInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// <c>/health/ready</c> reports this instance not ready when an email has been due for longer than
    /// this without being sent: dispatch has stalled (or SMTP refuses everything).
    /// </summary>
    public TimeSpan ReadyLagThreshold { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long the content of sent emails and the handled outbox rows are kept (<see cref="NotificationRetention"/>).
    /// The record of each email (recipient, subject, when sent), the ETA audit trail and the customers' answers are
    /// kept for good: they are the proof of notice and consent the FTC rule asks for.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// Off: no background composing, dispatching or scheduled jobs in this instance (tests drive
    /// them by hand; an instance can serve pages only). The outbox still fills and other instances send.
    /// </summary>
    public bool BackgroundProcessing { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CoalesceWindow < TimeSpan.Zero || CoalesceWindow > TimeSpan.FromDays(1))
        {
            yield return Invalid(nameof(CoalesceWindow), $"must be between 00:00:00 and 1.00:00:00, not {CoalesceWindow}");
        }
        if (PollInterval < TimeSpan.FromMilliseconds(10) || PollInterval > TimeSpan.FromHours(1))
        {
            yield return Invalid(nameof(PollInterval), $"must be between 00:00:00.010 and 01:00:00, not {PollInterval}");
        }
        if (MaxAttempts is < 1 or > 100)
        {
            yield return Invalid(nameof(MaxAttempts), $"must be between 1 and 100, not {MaxAttempts}");
        }
        if (LeaseDuration < TimeSpan.FromSeconds(1))
        {
            yield return Invalid(nameof(LeaseDuration), $"must be at least 00:00:01 (longer than one SMTP send), not {LeaseDuration}");
        }
        if (RetryLifetime <= TimeSpan.Zero)
        {
            yield return Invalid(nameof(RetryLifetime), $"must be positive, not {RetryLifetime}");
        }
        if (RetryBaseDelay <= TimeSpan.Zero)
        {
            yield return Invalid(nameof(RetryBaseDelay), $"must be positive, not {RetryBaseDelay}");
        }
        if (RetryMaxDelay < RetryBaseDelay)
        {
            yield return Invalid(nameof(RetryMaxDelay), $"must not be shorter than Notifications:RetryBaseDelay ({RetryBaseDelay}), not {RetryMaxDelay}");
        }
        if (BatchSize is < 1 or > 10_000)
        {
            yield return Invalid(nameof(BatchSize), $"must be between 1 and 10000, not {BatchSize}");
        }
        if (ComposeBatchSize is < 1 or > 2_000)
        {
            yield return Invalid(nameof(ComposeBatchSize), $"must be between 1 and 2000, not {ComposeBatchSize}");
        }
        if (MaxLinesPerEmail is < 1 or > 1_000)
        {
            yield return Invalid(nameof(MaxLinesPerEmail), $"must be between 1 and 1000, not {MaxLinesPerEmail}");
        }
        if (SmtpConnections is < 1 or > 64)
        {
            yield return Invalid(nameof(SmtpConnections), $"must be between 1 and 64, not {SmtpConnections}");
        }
        if (SmtpIdleCheck <= TimeSpan.Zero)
        {
            yield return Invalid(nameof(SmtpIdleCheck), $"must be positive, not {SmtpIdleCheck}");
        }
        if (DigestTimeOfDay < TimeSpan.Zero || DigestTimeOfDay >= TimeSpan.FromDays(1))
        {
            yield return Invalid(nameof(DigestTimeOfDay), $"must be a time of day between 00:00 and 23:59, not {DigestTimeOfDay}");
        }
        if (ReadyLagThreshold < TimeSpan.FromSeconds(1))
        {
            yield return Invalid(nameof(ReadyLagThreshold), $"must be at least 00:00:01, not {ReadyLagThreshold}");
        }
        if (Retention < TimeSpan.FromDays(1))
        {
            yield return Invalid(nameof(Retention), $"must be at least 1.00:00:00 (staff look at recent emails), not {Retention}");
        }
        if (OverdueScanInterval < TimeSpan.FromSeconds(1))
        {
            yield return Invalid(nameof(OverdueScanInterval), $"must be at least 00:00:01, not {OverdueScanInterval}");
        }
    }

    private static ValidationResult Invalid(string property, string problem) =>
        new($"{SectionName}:{property} {problem}.", [property]);
}
