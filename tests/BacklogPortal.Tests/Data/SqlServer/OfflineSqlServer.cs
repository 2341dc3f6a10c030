using System.Collections;
using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BacklogPortal.Tests.Data.SqlServer;

/// <summary>A command the portal sent, as SQL Server would have received it.</summary>
public sealed record CapturedStatement(string Scenario, string Sql, IReadOnlyList<string> Parameters);

/// <summary>
/// Stands in for a SQL Server behind the portal's real SQL Server context: EF Core builds every command
/// exactly as for a server (the provider's SQL generation, type mappings, batching, execution strategy),
/// and these interceptors keep the connection from opening, record each command's text and answer it —
/// a query with rows made up from its own select list, a write with a row count — so the calling code
/// goes on to its next statement.
/// </summary>
public sealed class OfflineSqlServer : DbConnectionInterceptor, IDbCommandInterceptor, IDbTransactionInterceptor
{
    private readonly ConcurrentQueue<CapturedStatement> statements = new();

    public IReadOnlyCollection<CapturedStatement> Statements => statements;

    /// <summary>Names the statements recorded from now on (the scenario that runs).</summary>
    public string Scenario { get; set; } = "start-up";

    /// <summary>
    /// Rows a query returns, by its SQL (default 1). Any(), an aggregate, and DML that reports its rows return
    /// what the server would: one row, or one per inserted row.
    /// </summary>
    public Func<string, int> QueryRows { get; set; } = _ => 1;

    /// <summary>What every INSERT/UPDATE/DELETE reports as affected.</summary>
    public int RowsAffected { get; set; } = 1;

    /// <summary>Column values of the made-up rows by column name; other columns get a value of their type.</summary>
    public Dictionary<string, object?> Values { get; } = new(StringComparer.OrdinalIgnoreCase);

    public void Reset(string scenario)
    {
        Scenario = scenario;
        QueryRows = _ => 1;
        RowsAffected = 1;
        Values.Clear();
    }

    public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
        InterceptionResult.Suppress();

    public override ValueTask<InterceptionResult> ConnectionOpeningAsync(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    public override InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
        InterceptionResult.Suppress();

    public override ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    // SqlCommand only takes a SqlTransaction, which needs an open connection: commands are built on a
    // stand-in that creates real SqlParameters (the provider's type mappings configure them).
    InterceptionResult<DbCommand> IDbCommandInterceptor.CommandCreating(CommandCorrelatedEventData eventData, InterceptionResult<DbCommand> result) =>
        InterceptionResult<DbCommand>.SuppressWithResult(new OfflineCommand());

    InterceptionResult<DbDataReader> IDbCommandInterceptor.ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        InterceptionResult<DbDataReader>.SuppressWithResult(Answer(command));

    ValueTask<InterceptionResult<DbDataReader>> IDbCommandInterceptor.ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InterceptionResult<DbDataReader>.SuppressWithResult(Answer(command)));

    InterceptionResult<int> IDbCommandInterceptor.NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Record(command);
        return InterceptionResult<int>.SuppressWithResult(RowsAffected);
    }

    ValueTask<InterceptionResult<int>> IDbCommandInterceptor.NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken)
    {
        Record(command);
        return ValueTask.FromResult(InterceptionResult<int>.SuppressWithResult(RowsAffected));
    }

    InterceptionResult<object> IDbCommandInterceptor.ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Record(command);
        return InterceptionResult<object>.SuppressWithResult(1);
    }

    ValueTask<InterceptionResult<object>> IDbCommandInterceptor.ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken)
    {
        Record(command);
        return ValueTask.FromResult(InterceptionResult<object>.SuppressWithResult(1));
    }

    InterceptionResult<DbTransaction> IDbTransactionInterceptor.TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result) =>
        InterceptionResult<DbTransaction>.SuppressWithResult(new OfflineTransaction(connection, eventData.IsolationLevel));

    ValueTask<InterceptionResult<DbTransaction>> IDbTransactionInterceptor.TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InterceptionResult<DbTransaction>.SuppressWithResult(new OfflineTransaction(connection, eventData.IsolationLevel)));

    InterceptionResult IDbTransactionInterceptor.TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) =>
        InterceptionResult.Suppress();

    ValueTask<InterceptionResult> IDbTransactionInterceptor.TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    InterceptionResult IDbTransactionInterceptor.TransactionRollingBack(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) =>
        InterceptionResult.Suppress();

    ValueTask<InterceptionResult> IDbTransactionInterceptor.TransactionRollingBackAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    // EF sends SAVE TRANSACTION on a command of the connection's own (a SqlCommand), not through the interceptors.
    InterceptionResult IDbTransactionInterceptor.CreatingSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) =>
        InterceptionResult.Suppress();

    ValueTask<InterceptionResult> IDbTransactionInterceptor.CreatingSavepointAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    InterceptionResult IDbTransactionInterceptor.ReleasingSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) =>
        InterceptionResult.Suppress();

    ValueTask<InterceptionResult> IDbTransactionInterceptor.ReleasingSavepointAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    InterceptionResult IDbTransactionInterceptor.RollingBackToSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) =>
        InterceptionResult.Suppress();

    ValueTask<InterceptionResult> IDbTransactionInterceptor.RollingBackToSavepointAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    private void Record(DbCommand command) =>
        statements.Enqueue(new CapturedStatement(Scenario, command.CommandText,
            [.. command.Parameters.Cast<DbParameter>().Select(p => p.ParameterName)]));

    private DbDataReader Answer(DbCommand command)
    {
        Record(command);
        var sets = TransactSql.ResultSets(command.CommandText);
        return new MadeUpReader(
            sets.Count > 0
                ? [.. sets.Select(set => set with { Rows = set.Rows ?? QueryRows(command.CommandText) })]
                : [new TransactSql.ResultSet([], QueryRows(command.CommandText))],
            RowsAffected,
            new Dictionary<string, object?>(Values, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Rows whose values come from the column's name when a test gave one, else from the type EF reads.</summary>
    private sealed class MadeUpReader(IReadOnlyList<TransactSql.ResultSet> sets, int rowsAffected, Dictionary<string, object?> values) : DbDataReader
    {
        // EF reads columns by position; when the select list could not be read, every position answers by type.
        private const int UnknownColumns = 128;
        private static int generatedKeys = 1_000;
        private int set;
        private int row = -1;

        private IReadOnlyList<string?> Columns => sets[set].Columns;

        private int Rows => sets[set].Rows ?? 0;

        public override int FieldCount => Columns.Count > 0 ? Columns.Count : UnknownColumns;

        public override int RecordsAffected => rowsAffected;

        public override bool HasRows => Rows > 0;

        public override bool IsClosed => false;

        public override int Depth => 0;

        public override object this[int ordinal] => GetValue(ordinal);

        public override object this[string name] => GetValue(GetOrdinal(name));

        public override bool Read() => ++row < Rows;

        public override Task<bool> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(Read());

        public override bool NextResult()
        {
            if (set + 1 >= sets.Count)
            {
                return false;
            }
            set++;
            row = -1;
            return true;
        }

        public override Task<bool> NextResultAsync(CancellationToken cancellationToken) => Task.FromResult(NextResult());

        public override string GetName(int ordinal) => Name(ordinal) ?? $"column{ordinal}";

        public override int GetOrdinal(string name) => Columns.ToList().FindIndex(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));

        public override bool IsDBNull(int ordinal) => Name(ordinal) is { } name && values.TryGetValue(name, out var value) && value is null;

        public override T GetFieldValue<T>(int ordinal) => (T)Value(ordinal, typeof(T));

        public override object GetValue(int ordinal) => Value(ordinal, typeof(object));

        public override bool GetBoolean(int ordinal) => GetFieldValue<bool>(ordinal);

        public override byte GetByte(int ordinal) => GetFieldValue<byte>(ordinal);

        public override char GetChar(int ordinal) => GetFieldValue<char>(ordinal);

        public override DateTime GetDateTime(int ordinal) => GetFieldValue<DateTime>(ordinal);

        public override decimal GetDecimal(int ordinal) => GetFieldValue<decimal>(ordinal);

        public override double GetDouble(int ordinal) => GetFieldValue<double>(ordinal);

        public override float GetFloat(int ordinal) => GetFieldValue<float>(ordinal);

        public override Guid GetGuid(int ordinal) => GetFieldValue<Guid>(ordinal);

        public override short GetInt16(int ordinal) => GetFieldValue<short>(ordinal);

        public override int GetInt32(int ordinal) => GetFieldValue<int>(ordinal);

        public override long GetInt64(int ordinal) => GetFieldValue<long>(ordinal);

        public override string GetString(int ordinal) => GetFieldValue<string>(ordinal);

        public override string GetDataTypeName(int ordinal) => "sql_variant";

        [return: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.PublicProperties)]
        public override Type GetFieldType(int ordinal) => typeof(object);

        public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => 0;

        public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => 0;

        public override int GetValues(object[] values) => 0;

        public override IEnumerator GetEnumerator() => Array.Empty<object>().GetEnumerator();

        private string? Name(int ordinal) => ordinal < Columns.Count ? Columns[ordinal] : null;

        private object Value(int ordinal, Type type)
        {
            var target = Nullable.GetUnderlyingType(type) ?? type;
            var name = Name(ordinal);
            if (name == "Id" && target == typeof(string))
            {
                // Identity's string keys: each row read is another user or role, as in a real table.
                return $"id-{Interlocked.Increment(ref generatedKeys)}";
            }
            if (sets[set].Inserted && name == "Id")
            {
                // Generated keys differ, as the database's would: a batch tracks every inserted entity by its key.
                return Convert.ChangeType(Interlocked.Increment(ref generatedKeys), target, System.Globalization.CultureInfo.InvariantCulture);
            }
            if (name == "_Position")
            {
                // EF's MERGE … OUTPUT tells inserted Rows apart by their position in the VALUES list.
                return Convert.ChangeType(row, target, System.Globalization.CultureInfo.InvariantCulture);
            }
            if (name is not null && values.TryGetValue(name, out var given) && given is not null)
            {
                return target == typeof(object) || target.IsInstanceOfType(given) ? given : Convert.ChangeType(given, target, System.Globalization.CultureInfo.InvariantCulture);
            }
            // Keys are 1 (every row is "the" line, customer, order...); other named numbers (enums, counters) 0, so
            // lines are open and emails pending; an unnamed number is a count or a row count: 1.
            var number = name is null || name.EndsWith("Id", StringComparison.Ordinal) ? 1 : 0;
            return target switch
            {
                _ when target == typeof(int) => number,
                _ when target == typeof(long) => (long)number,
                _ when target == typeof(short) => (short)number,
                _ when target == typeof(byte) => (byte)number,
                _ when target == typeof(bool) => false,
                _ when target == typeof(decimal) => 10m,
                _ when target == typeof(double) => 10d,
                _ when target == typeof(float) => 10f,
                _ when target == typeof(string) || target == typeof(object) => name ?? "value",
                _ when target == typeof(Guid) => new Guid("6f9619ff-8b86-d011-b42d-00c04fc964ff"),
                _ when target == typeof(DateTime) => new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                _ when target == typeof(DateTimeOffset) => new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero),
                _ when target == typeof(DateOnly) => new DateOnly(2020, 3, 1),
                _ when target == typeof(TimeOnly) => new TimeOnly(8, 0),
                _ when target == typeof(TimeSpan) => TimeSpan.FromHours(1),
                _ when target == typeof(byte[]) => Array.Empty<byte>(),
                _ when target == typeof(char) => 'x',
                _ => Activator.CreateInstance(target)!,
            };
        }
    }

    /// <summary>Holds what EF puts on a command; never executes (the interceptor answers first).</summary>
    private sealed class OfflineCommand : DbCommand
    {
        private readonly SqlCommand parameters = new();

        [AllowNull]
        public override string CommandText { get; set; } = "";

        public override int CommandTimeout { get; set; }

        public override CommandType CommandType { get; set; }

        public override bool DesignTimeVisible { get; set; }

        public override UpdateRowSource UpdatedRowSource { get; set; }

        protected override DbConnection? DbConnection { get; set; }

        protected override DbParameterCollection DbParameterCollection => parameters.Parameters;

        protected override DbTransaction? DbTransaction { get; set; }

        public override void Cancel()
        {
        }

        public override int ExecuteNonQuery() => throw NotIntercepted();

        public override object ExecuteScalar() => throw NotIntercepted();

        public override void Prepare()
        {
        }

        protected override DbParameter CreateDbParameter() => new SqlParameter();

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => throw NotIntercepted();

        protected override void Dispose(bool disposing)
        {
            parameters.Dispose();
            base.Dispose(disposing);
        }

        private static InvalidOperationException NotIntercepted() => new("A command reached execution past the offline SQL Server.");
    }

    private sealed class OfflineTransaction(DbConnection connection, IsolationLevel isolationLevel) : DbTransaction
    {
        public override IsolationLevel IsolationLevel => isolationLevel;

        protected override DbConnection DbConnection => connection;

        public override void Commit()
        {
        }

        public override void Rollback()
        {
        }
    }
}
