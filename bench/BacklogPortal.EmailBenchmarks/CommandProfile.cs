using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BacklogPortal.EmailBenchmarks;

/// <summary>
/// Where the dispatcher's database time goes (<c>--profile</c>): EF Core's diagnostic events for
/// every command (until its reader is disposed, so reading the rows counts) and every commit, summed
/// per statement. Listens only while <see cref="Recording"/> is on.
/// </summary>
public sealed partial class CommandProfile : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly ConcurrentDictionary<string, (int Count, TimeSpan Total)> statements = new();
    private readonly List<IDisposable> subscriptions = [];

    public CommandProfile() => subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));

    public bool Recording { get; set; }

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
        {
            lock (subscriptions)
            {
                subscriptions.Add(listener.Subscribe(this, name =>
                    name == RelationalEventId.CommandExecuted.Name
                    || name == RelationalEventId.DataReaderDisposing.Name
                    || name == RelationalEventId.TransactionCommitted.Name));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> diagnostic)
    {
        if (!Recording)
        {
            return;
        }
        switch (diagnostic.Value)
        {
            // Readers are timed to their disposal (rows read); other commands when they return.
            case CommandExecutedEventData { Result: not System.Data.Common.DbDataReader } executed:
                Add(Statement(executed.Command.CommandText), executed.Duration);
                break;
            case DataReaderDisposingEventData reader:
                Add(Statement(reader.Command.CommandText), reader.Duration);
                break;
            case TransactionEndEventData committed:
                Add("COMMIT", committed.Duration);
                break;
        }
    }

    public void Print(int emails)
    {
        var total = statements.Values.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Total);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  database time of the dispatcher rounds: {total.TotalSeconds:F2} s = {total.TotalMilliseconds * 1000 / emails:F0} µs per email (wall time on the calling thread; overlaps sending)"));
        foreach (var (statement, (count, sum)) in statements.OrderByDescending(s => s.Value.Total).Take(8))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {sum.TotalMilliseconds,8:F0} ms {count,6}× {statement}"));
        }
    }

    private void Add(string statement, TimeSpan duration) =>
        statements.AddOrUpdate(statement, (1, duration), (_, s) => (s.Count + 1, s.Total + duration));

    private static string Statement(string sql)
    {
        var flat = Whitespace().Replace(sql, " ").Trim();
        return flat.Length <= 110 ? flat : flat[..110] + "…";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        lock (subscriptions)
        {
            foreach (var subscription in subscriptions)
            {
                subscription.Dispose();
            }
        }
    }
}
