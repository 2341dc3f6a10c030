using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BacklogPortal.EndToEnd.Infrastructure;

/// <summary>
/// The portal's warnings and errors while the end-to-end tests run, kept so that a failed test's evidence shows what
/// the server said (a failed event dispatch, a database error) beside what the browser showed.
/// </summary>
public sealed class ServerLog : ILoggerProvider
{
    // Enough for the last tests' worth of warnings; older lines go first.
    private const int MaxEntries = 2_000;

    private readonly ConcurrentQueue<(DateTimeOffset At, string Line)> entries = new();

    /// <summary>What was logged at or after <paramref name="since"/>, oldest first.</summary>
    public IEnumerable<string> Since(DateTimeOffset since) =>
        entries.Where(e => e.At >= since).Select(e => e.Line);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(DateTimeOffset at, string line)
    {
        entries.Enqueue((at, line));
        while (entries.Count > MaxEntries && entries.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(ServerLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                var at = DateTimeOffset.UtcNow;
                log.Add(at, $"server {at:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
            }
        }
    }
}
