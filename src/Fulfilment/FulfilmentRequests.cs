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
    string RecordedBy);

/// <param name="ExpectedVersion">The line's version as the person saw it; null for a machine client that acts on the line as it is now.</param>
public sealed record CancellationRequest(
    int LineId,
    long? ExpectedVersion,
    int Quantity,
    string? Reason,
    ChangeSource Source,
    string RecordedBy);

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
public sealed record FulfilmentError(string Field, string Message);

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
