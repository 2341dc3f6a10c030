namespace BacklogPortal.Staff.Dashboard;

/// <summary>The backlog at a glance. Every figure names the <see cref="StaffLinesFilter"/> of the lines behind it.</summary>
public sealed record StaffDashboard(
    DateOnly Today,
    BacklogTotals Open,
    IReadOnlyList<KindTotals> ByKind,
    IReadOnlyList<AgingFigures> Aging,
    int OverdueLines,
    int AwaitingDecision,
    Slippage Slippage,
    IReadOnlyList<SlippageWeek> SlippageTrend,
    IReadOnlyList<SkuDemand> TopSkus,
    IReadOnlyList<AnswerFigures> RecentAnswers,
    IReadOnlyList<SourceFigures> RecentChanges,
    DateOnly RecentSince)
{
    public static StaffLinesFilter OpenLines => new();

    public static StaffLinesFilter OverdueFilter => new() { Overdue = true };

    public static StaffLinesFilter AwaitingDecisionFilter => new() { AwaitingDecision = true };

    public static StaffLinesFilter LateFilter => new() { SlipFrom = 1 };

    public StaffLinesFilter WorstSlipFilter => new() { SlipFrom = Slippage.WorstDays ?? 1 };

    public StaffLinesFilter AnswerFilter(CustomerResponse answer) =>
        new() { Status = StaffLineStatusFilter.Answered, Answer = answer, AnsweredFrom = RecentSince };

    public StaffLinesFilter ChangesFilter(ChangeSource source) =>
        new() { Status = StaffLineStatusFilter.All, Source = source, ChangedFrom = RecentSince };
}

/// <param name="Value">Open quantity × unit price, summed.</param>
public sealed record BacklogTotals(int Lines, int Units, double Value, int Customers);

public sealed record KindTotals(BacklogKind Kind, BacklogTotals Totals)
{
    public StaffLinesFilter Filter => new() { Kind = Kind };
}

/// <param name="AgeTo">Null for the open-ended oldest bucket.</param>
public sealed record AgingFigures(int AgeFrom, int? AgeTo, int Lines, int Units)
{
    public string Label => AgeTo is { } to ? $"{AgeFrom}–{to} days" : $"over {AgeFrom - 1} days";

    // The youngest bucket also holds orders dated in the future (age below zero).
    public StaffLinesFilter Filter => new() { AgeFrom = AgeFrom == 0 ? null : AgeFrom, AgeTo = AgeTo };
}

/// <summary>Open lines whose current ETA lies after the promised date.</summary>
/// <param name="AverageDays">Average days late over those lines; null when none is late.</param>
public sealed record Slippage(int LateLines, double? AverageDays, int? WorstDays);

/// <summary>
/// The lines whose ETA changed in one week, and how far the new dates of those changes lie past the
/// promised date (changes to a known date of lines with a promise).
/// </summary>
public sealed record SlippageWeek(DateOnly From, DateOnly To, int Lines, double? AverageDays, int? WorstDays)
{
    public StaffLinesFilter Filter => new() { Status = StaffLineStatusFilter.All, ChangedFrom = From, ChangedTo = To };
}

public sealed record SkuDemand(string Sku, string ProductName, int Lines, int Units)
{
    public StaffLinesFilter Filter => new() { Sku = Sku };
}

public sealed record AnswerFigures(CustomerResponse Answer, int Lines);

/// <param name="Changes">Audit rows (one per line per change).</param>
/// <param name="Lines">Distinct lines those changes touched.</param>
public sealed record SourceFigures(ChangeSource Source, int Changes, int Lines);
