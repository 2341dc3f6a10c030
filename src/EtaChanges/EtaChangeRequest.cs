namespace BacklogPortal.EtaChanges;

/// <summary>
/// Which lines an ETA change applies to. Whatever the target, only open lines (open or partly
/// shipped) whose ETA differs from the new one change; the others are left alone.
/// </summary>
public abstract record EtaChangeTarget
{
    private EtaChangeTarget()
    {
    }

    /// <summary>One line as the editor saw it: the change is refused when <paramref name="ExpectedVersion"/> is stale.</summary>
    public static EtaChangeTarget ForLine(int lineId, long expectedVersion) => new SelectedLines([new LineVersion(lineId, expectedVersion)]);

    /// <summary>Lines picked by a person, each with the version that person saw.</summary>
    public static EtaChangeTarget ForLines(IEnumerable<LineVersion> lines) => new SelectedLines([.. lines]);

    /// <summary>Lines named by their ids without versions (a file of updates): the change is not refused for a concurrent edit.</summary>
    public static EtaChangeTarget ForLineIds(IEnumerable<int> lineIds) => new LinesById([.. lineIds]);

    public static EtaChangeTarget ForOrder(string orderNumber) => new OpenLinesOfOrder(orderNumber);

    public static EtaChangeTarget ForSku(string sku) => new OpenLinesOfSku(sku);

    /// <summary>The product's open pre-order lines whose ETA is still its (old) release date: they follow a moved release.</summary>
    public static EtaChangeTarget FollowingRelease(int productId, DateOnly releaseDate) => new PreOrdersFollowingRelease(productId, releaseDate);

    public sealed record SelectedLines(IReadOnlyList<LineVersion> Lines) : EtaChangeTarget;

    public sealed record LinesById(IReadOnlyList<int> LineIds) : EtaChangeTarget;

    public sealed record OpenLinesOfOrder(string OrderNumber) : EtaChangeTarget;

    public sealed record OpenLinesOfSku(string Sku) : EtaChangeTarget;

    public sealed record PreOrdersFollowingRelease(int ProductId, DateOnly ReleaseDate) : EtaChangeTarget;
}

/// <summary>Many changes applied together, all or nothing (<see cref="EtaChangeService.ChangeBatchAsync"/>).</summary>
/// <param name="ChangedBy">Who makes the changes, e.g. an import file's name and the staff user who imported it.</param>
public sealed record EtaChangeBatch(IReadOnlyList<EtaChangeBatchItem> Items, ChangeSource Source, string ChangedBy);

/// <summary>One target of a batch with its own new date and reason.</summary>
public sealed record EtaChangeBatchItem(EtaChangeTarget Target, DateOnly? NewEta, EtaReasonCode? ReasonCode, string? ReasonText);

/// <summary>A line and its optimistic-concurrency token as last read.</summary>
public readonly record struct LineVersion(int LineId, long Version);

/// <param name="NewEta">The new expected date; null sets the ETA to "date not yet known".</param>
/// <param name="ReasonCode">Required: null is rejected with a message.</param>
/// <param name="ChangedBy">A user's email, an API client's name or an import file's name.</param>
public sealed record EtaChangeRequest(
    EtaChangeTarget Target,
    DateOnly? NewEta,
    EtaReasonCode? ReasonCode,
    string? ReasonText,
    ChangeSource Source,
    string ChangedBy);

public enum EtaChangeOutcome
{
    /// <summary>At least one line changed; audit and outbox rows are committed with it.</summary>
    Changed,

    /// <summary>Every targeted line is shipped, cancelled or already at the requested ETA.</summary>
    NothingToChange,

    /// <summary>Someone else changed a line meanwhile; nothing was written.</summary>
    Conflict,

    /// <summary>The request breaks a rule (see <see cref="EtaChangeResult.Errors"/>); nothing was written.</summary>
    Invalid,
}

/// <param name="Field">The request property the message is about, e.g. <c>ReasonText</c>.</param>
public sealed record EtaChangeError(string Field, string Message);

public sealed record EtaChangeResult(
    EtaChangeOutcome Outcome,
    int LinesChanged,
    int CustomersAffected,
    Guid? BatchId,
    string Message,
    IReadOnlyList<EtaChangeError> Errors)
{
    public bool Succeeded => Outcome is EtaChangeOutcome.Changed or EtaChangeOutcome.NothingToChange;

    internal static EtaChangeResult Changed(int lines, int customers, Guid batchId) => new(
        EtaChangeOutcome.Changed, lines, customers, batchId,
        $"ETA changed on {Count(lines, "line")} of {Count(customers, "customer")}.", []);

    internal static EtaChangeResult NothingChanged() => new(
        EtaChangeOutcome.NothingToChange, 0, 0, null,
        "Nothing to change: the lines are shipped, cancelled or already at that date.", []);

    internal static EtaChangeResult ConflictOn(string message) => new(EtaChangeOutcome.Conflict, 0, 0, null, message, []);

    internal static EtaChangeResult InvalidBecause(IReadOnlyList<EtaChangeError> errors) => new(
        EtaChangeOutcome.Invalid, 0, 0, null, string.Join(" ", errors.Select(e => e.Message)), errors);

    internal static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n:N0} {noun}s";
}

/// <summary>What a change would do right now: the numbers a person confirms before a bulk change.</summary>
public sealed record EtaChangePreview(int Lines, int Customers)
{
    public string Summary => Lines == 0
        ? "No open line would change: they are all shipped, cancelled or already at that date."
        : $"{EtaChangeResult.Count(Lines, "line")} of {EtaChangeResult.Count(Customers, "customer")} will change.";
}

/// <summary>The detailed preview of a change of many lines (see <c>EtaChangeService.ImpactAsync</c>).</summary>
/// <param name="NeedDecision">Lines whose customer must expressly accept the new date or cancel (FTC rule).</param>
/// <param name="LineIds">One page of the affected lines, by order and line number.</param>
public sealed record EtaChangeImpact(int Lines, int Customers, int Later, int Earlier, int NeedDecision, IReadOnlyList<int> LineIds)
{
    public string Summary => Lines == 0
        ? "No open line would change: they are all shipped, cancelled or already at that date."
        : $"{EtaChangeResult.Count(Lines, "line")} of {EtaChangeResult.Count(Customers, "customer")} will change: "
          + $"{Later:N0} later, {Earlier:N0} earlier; {NeedDecision:N0} will need the customer's decision.";
}
