using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BacklogPortal.Staff.Dashboard;

// The dashboard's running totals (decision 016). The database keeps them: triggers on OrderLines,
// Orders and EtaChanges (migration AddBacklogFigures, one set per provider) add a line's share when it enters the
// backlog or changes, and take it away when it leaves, in the same transaction as the write. So every
// write path (ETA changes, import, API, shipments, answers, the seeder) keeps them true without
// knowing they exist, and the dashboard sums a few thousand rows instead of reading every open line.
// A row whose Lines fell to zero stays; the queries skip it.

/// <summary>What every table of open-line totals has: the kind of line and how many lines are open.</summary>
public abstract class OpenLineFigures
{
    public BacklogKind Kind { get; set; }

    public int Lines { get; set; }
}

/// <summary>Open lines of one product and kind: lines, units, value and lines awaiting a decision.</summary>
public sealed class BacklogProductFigures : OpenLineFigures
{
    public int ProductId { get; set; }

    public int Units { get; set; }

    /// <summary>Open quantity × unit price in cents (unit prices carry two decimals, so the sum is exact).</summary>
    public long ValueCents { get; set; }

    /// <summary>Open lines that need the customer's consent and have no answer (<see cref="LineRules.AwaitsDecision"/>).</summary>
    public int AwaitingDecision { get; set; }
}

/// <summary>Open lines of one kind by the date of their order: the aging buckets.</summary>
public sealed class BacklogOrderDateFigures : OpenLineFigures
{
    public DateOnly OrderDate { get; set; }

    public int Units { get; set; }
}

/// <summary>
/// Open lines of one kind with a known ETA, by that ETA and by how many days it lies after the
/// promised date (0 when not later or when nothing was promised): overdue lines and slippage.
/// </summary>
public sealed class BacklogEtaFigures : OpenLineFigures
{
    public DateOnly Eta { get; set; }

    public int LateDays { get; set; }
}

/// <summary>Open lines of one customer and kind: the customers waiting.</summary>
public sealed class BacklogCustomerFigures : OpenLineFigures
{
    public int CustomerId { get; set; }
}

/// <summary>
/// The ETA changes of one UTC day (kept by a trigger on EtaChanges), for the 12-week slippage trend.
/// <see cref="DaysSincePrevious"/> says how many days before this day the same line last changed
/// (capped at <see cref="NoRecentChange"/>, also used for a line's first change), so that the lines
/// changed in any 7-day window are counted exactly without reading the changes: a change on day d
/// is its line's first in a window starting on day a ≤ d when its previous change lies before a,
/// that is when <c>DaysSincePrevious &gt; d − a</c>.
/// </summary>
public sealed class EtaChangeDayFigures
{
    public const int NoRecentChange = 7;

    public DateOnly Day { get; set; }

    public int DaysSincePrevious { get; set; }

    public int Changes { get; set; }

    /// <summary>Changes to a known date of a line with a promised date: those with a slip.</summary>
    public int DatedChanges { get; set; }

    /// <summary>Days from the promised date to the new date, summed over the dated changes.</summary>
    public long SlipDays { get; set; }

    public int? WorstSlipDays { get; set; }
}

internal sealed class BacklogProductFiguresConfiguration : IEntityTypeConfiguration<BacklogProductFigures>
{
    public void Configure(EntityTypeBuilder<BacklogProductFigures> figures)
    {
        figures.HasKey(f => new { f.ProductId, f.Kind });
        figures.HasOne<Product>().WithMany().HasForeignKey(f => f.ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class BacklogOrderDateFiguresConfiguration : IEntityTypeConfiguration<BacklogOrderDateFigures>
{
    public void Configure(EntityTypeBuilder<BacklogOrderDateFigures> figures) =>
        figures.HasKey(f => new { f.OrderDate, f.Kind });
}

internal sealed class BacklogEtaFiguresConfiguration : IEntityTypeConfiguration<BacklogEtaFigures>
{
    public void Configure(EntityTypeBuilder<BacklogEtaFigures> figures) =>
        figures.HasKey(f => new { f.Eta, f.LateDays, f.Kind });
}

internal sealed class BacklogCustomerFiguresConfiguration : IEntityTypeConfiguration<BacklogCustomerFigures>
{
    public void Configure(EntityTypeBuilder<BacklogCustomerFigures> figures) =>
        figures.HasKey(f => new { f.CustomerId, f.Kind });
}

internal sealed class EtaChangeDayFiguresConfiguration : IEntityTypeConfiguration<EtaChangeDayFigures>
{
    public void Configure(EntityTypeBuilder<EtaChangeDayFigures> figures) =>
        figures.HasKey(f => new { f.Day, f.DaysSincePrevious });
}
