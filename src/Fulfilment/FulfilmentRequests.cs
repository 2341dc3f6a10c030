namespace BacklogPortal.Fulfilment;

/// <param name="ExpectedVersion">The line's version as the person saw it; null for a machine client that acts on the line as it is now.</param>
public sealed record ShipmentRequest(
    int LineId,
    long? ExpectedVersion,
    int Quantity,
    DateOnly ShippedOn,
    string? Carrier,
    string? TrackingNumber,
    ChangeSource Source,
    string RecordedBy) : ILineFulfilmentRequest;

/// <param name="ExpectedVersion">The line's version as the person saw it; null for a machine client that acts on the line as it is now.</param>
public sealed record CancellationRequest(
    int LineId,
    long? ExpectedVersion,
    int Quantity,
    string? Reason,
    ChangeSource Source,
    string RecordedBy) : ILineFulfilmentRequest;

/// <summary>What a shipment and a cancellation both ask for: which line, as seen when, how much, and who records it.</summary>
public interface ILineFulfilmentRequest
{
    int LineId { get; }

    long? ExpectedVersion { get; }

    int Quantity { get; }

    ChangeSource Source { get; }

    string RecordedBy { get; }
}

public enum FulfilmentOutcome
{
    /// <summary>The shipment or cancellation is committed with its audit row and event.</summary>
    Recorded,

    /// <summary>The line changed since the caller read it (stale version); nothing was written.</summary>
    Conflict,

    /// <summary>The request breaks a rule (see <see cref="FulfilmentResult.Errors"/>); nothing was written.</summary>
    Invalid,
}

/// <param name="Field">The request property the message is about, e.g. <c>Quantity</c>.</param>
/// <param name="LineId">The line of a call on several lines that the message is about; null when it is about the whole call.</param>
public sealed record FulfilmentError(string Field, string Message, int? LineId = null);

/// <summary>The line after the change: what the caller shows or answers.</summary>
public sealed record LineQuantities(int Ordered, int Shipped, int Cancelled, LineStatus Status, long Version)
{
    public int Open => LineRules.OpenQuantity(Ordered, Shipped, Cancelled);
}

public sealed record FulfilmentResult(
    FulfilmentOutcome Outcome,
    long? RecordId,
    LineQuantities? Line,
    string Message,
    IReadOnlyList<FulfilmentError> Errors)
{
    public bool Succeeded => Outcome == FulfilmentOutcome.Recorded;

    internal static FulfilmentResult Recorded(long id, LineQuantities line, string message) => new(FulfilmentOutcome.Recorded, id, line, message, []);

    internal static FulfilmentResult ConflictOn(string message) => new(FulfilmentOutcome.Conflict, null, null, message, []);

    internal static FulfilmentResult InvalidBecause(params FulfilmentError[] errors) => new(
        FulfilmentOutcome.Invalid, null, null, string.Join(" ", errors.Select(e => e.Message)), errors);
}

/// <summary>One line of a call that was recorded: its audit row and its quantities after the change.</summary>
public sealed record RecordedLine(int LineId, long RecordId, LineQuantities Line, string Message);

/// <summary>The answer to a call on one or several lines: every line recorded, or none.</summary>
/// <param name="ConflictLineId">The line whose version was stale, when <see cref="Outcome"/> is <see cref="FulfilmentOutcome.Conflict"/>.</param>
public sealed record FulfilmentBatchResult(
    FulfilmentOutcome Outcome,
    IReadOnlyList<RecordedLine> Lines,
    string Message,
    IReadOnlyList<FulfilmentError> Errors,
    int? ConflictLineId = null)
{
    public bool Succeeded => Outcome == FulfilmentOutcome.Recorded;

    internal static FulfilmentBatchResult Recorded(IReadOnlyList<RecordedLine> lines, string message) => new(FulfilmentOutcome.Recorded, lines, message, []);

    internal static FulfilmentBatchResult ConflictOn(int? lineId, string message) => new(FulfilmentOutcome.Conflict, [], message, [], lineId);

    // The same rule broken on many lines (a date in the future for a whole selection) is said once.
    internal static FulfilmentBatchResult InvalidBecause(IReadOnlyList<FulfilmentError> errors) => new(
        FulfilmentOutcome.Invalid, [], string.Join(" ", errors.Select(e => e.Message).Distinct()), errors);
}
