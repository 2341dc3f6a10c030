using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace BacklogPortal.Tests.Data.SqlServer;

/// <summary>
/// Microsoft's own T-SQL parser (ScriptDom), as a check that SQL meant for SQL Server is SQL Server's: it
/// must parse in the SQL Server 2022 grammar (the oldest the portal supports), in SQL Server 2025's and in
/// Azure SQL's, carry no SQLite-only construct, and reference no variable it does not declare or bind.
/// </summary>
internal static class TransactSql
{
    /// <param name="Rows">How many rows the statement returns; null for a query whose row count the test decides.</param>
    /// <param name="Inserted">The OUTPUT of a write: values the database generated (keys) for the rows it wrote.</param>
    public sealed record ResultSet(IReadOnlyList<string?> Columns, int? Rows, bool Inserted = false);

    /// <summary>SqlClient connects with QUOTED_IDENTIFIER ON: "double-quoted" names are identifiers there.</summary>
    private static readonly (string Name, Func<TSqlParser> Create)[] Grammars =
    [
        ("SQL Server 2022", () => new TSql160Parser(initialQuotedIdentifiers: true, SqlEngineType.Standalone)),
        ("SQL Server 2025", () => new TSql170Parser(initialQuotedIdentifiers: true, SqlEngineType.Standalone)),
        ("Azure SQL", () => new TSql170Parser(initialQuotedIdentifiers: true, SqlEngineType.SqlAzure)),
    ];

    /// <summary>
    /// SQLite's words that T-SQL would not reject by grammar alone: a call to an unknown function parses
    /// (it could be a user-defined one), and some keywords read as aliases.
    /// </summary>
    private static readonly HashSet<string> SqliteOnly = new(StringComparer.OrdinalIgnoreCase)
    {
        "PRAGMA", "LIMIT", "RETURNING", "GLOB", "AUTOINCREMENT", "julianday", "strftime", "datetime", "unixepoch",
        "ifnull", "instr", "substr", "group_concat", "printf", "last_insert_rowid", "changes", "total_changes",
        "randomblob", "typeof", "sqlite_version", "sqlite_master", "sqlite_schema", "ef_days", "ef_compare",
    };

    /// <summary>Everything wrong with <paramref name="sql"/> for SQL Server; empty when nothing is.</summary>
    /// <param name="boundParameters">Names of the command's parameters (with or without @); null for a script.</param>
    public static IReadOnlyList<string> Problems(string sql, IEnumerable<string>? boundParameters = null)
    {
        var problems = new List<string>();
        TSqlFragment? tree = null;
        foreach (var (name, create) in Grammars)
        {
            var parsed = create().Parse(new StringReader(sql), out var errors);
            problems.AddRange(errors.Select(e => $"{name}: line {e.Line}, column {e.Column}: {e.Message}"));
            tree ??= parsed;
        }
        if (tree is null)
        {
            return problems;
        }

        foreach (var token in tree.ScriptTokenStream)
        {
            // A bracketed or double-quoted word is a name, whatever it spells; a bare one is a keyword or a function.
            var bare = token.TokenType == TSqlTokenType.Identifier && SqliteOnly.Contains(token.Text);
            var name = token.TokenType is TSqlTokenType.Identifier or TSqlTokenType.QuotedIdentifier
                && token.Text.Trim('[', ']', '"').StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase);
            // SQLite's string concatenation; SQL Server has it only from 2025 on (and the 2022 grammar does not catch it).
            var concatenation = token.Text == "||";
            if (bare || name || concatenation)
            {
                problems.Add($"SQLite-only construct '{token.Text}' at line {token.Line}, column {token.Column}");
            }
        }

        // EF's idempotent script wraps some DDL in EXEC(N'…') (a filtered index, a computed default): parse that SQL too.
        var dynamicSql = new DynamicSqlCollector();
        tree.Accept(dynamicSql);
        foreach (var inner in dynamicSql.Statements)
        {
            problems.AddRange(Problems(inner).Select(problem => $"inside EXEC(N'{inner}'): {problem}"));
        }

        if (boundParameters is not null)
        {
            var variables = new VariableCollector();
            tree.Accept(variables);
            var bound = boundParameters.Select(p => p.StartsWith('@') ? p : "@" + p).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var missing in variables.Referenced.Where(v => !bound.Contains(v) && !variables.Declared.Contains(v)).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{missing} is neither a parameter of the command nor declared in it");
            }
            if (bound.Count > 2_100)
            {
                problems.Add($"{bound.Count} parameters: SQL Server takes at most 2,100 per command");
            }
        }
        return problems;
    }

    /// <summary>
    /// The result sets a command returns, in order: a query's select list, or the OUTPUT columns of a write
    /// with as many rows as it inserts (how EF's SaveChanges reads generated keys back).
    /// </summary>
    public static IReadOnlyList<ResultSet> ResultSets(string sql)
    {
        var tree = new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
        if (errors.Count > 0 || tree is not TSqlScript script)
        {
            return [];
        }
        var sets = new List<ResultSet>();
        // On a table with triggers EF writes the generated keys INTO a table variable, then selects them from it:
        // that select returns one row per row written.
        int? writtenInto = null;
        foreach (var statement in script.Batches.SelectMany(b => b.Statements))
        {
            writtenInto = statement switch
            {
                InsertStatement { InsertSpecification: { OutputIntoClause: not null } insert } =>
                    insert.InsertSource is ValuesInsertSource values ? values.RowValues.Count : 1,
                MergeStatement { MergeSpecification: { OutputIntoClause: not null } merge } =>
                    merge.TableReference is InlineDerivedTable source ? source.RowValues.Count : 1,
                _ => writtenInto,
            };
            ResultSet? set = statement switch
            {
                SelectStatement { Into: null, QueryExpression: var query } when FirstQuery(query) is { FromClause: not null } first && writtenInto is { } rows =>
                    new(Columns(first.SelectElements), rows, Inserted: true),
                SelectStatement { Into: null, QueryExpression: var query } when FirstQuery(query) is { } first =>
                    new(Columns(first.SelectElements), IsScalar(first) ? 1 : null),
                InsertStatement { InsertSpecification: { OutputClause: { } output } insert } =>
                    new(Columns(output.SelectColumns), insert.InsertSource is ValuesInsertSource values ? values.RowValues.Count : 1, Inserted: true),
                UpdateStatement { UpdateSpecification.OutputClause: { } output } => new(Columns(output.SelectColumns), 1),
                DeleteStatement { DeleteSpecification.OutputClause: { } output } => new(Columns(output.SelectColumns), 1),
                MergeStatement { MergeSpecification: { OutputClause: { } output } merge } =>
                    new(Columns(output.SelectColumns), merge.TableReference is InlineDerivedTable source ? source.RowValues.Count : 1, Inserted: true),
                _ => null,
            };
            if (set is not null)
            {
                sets.Add(set);
            }
        }
        return sets;
    }

    private static readonly HashSet<string> Aggregates = new(StringComparer.OrdinalIgnoreCase) { "COUNT", "COUNT_BIG", "MIN", "MAX", "SUM", "AVG" };

    /// <summary>EF's Any() (a SELECT without FROM) and an aggregate without GROUP BY always return exactly one row.</summary>
    private static bool IsScalar(QuerySpecification query) =>
        query.FromClause is null
        || query.GroupByClause is null && query.SelectElements.All(e => e is SelectScalarExpression { Expression: FunctionCall call } && Aggregates.Contains(call.FunctionName.Value));

    private static string?[] Columns(IList<SelectElement> elements) => [.. elements.Select(ColumnName)];

    private static QuerySpecification? FirstQuery(QueryExpression? query) => query switch
    {
        QuerySpecification specification => specification,
        BinaryQueryExpression binary => FirstQuery(binary.FirstQueryExpression),
        QueryParenthesisExpression parenthesis => FirstQuery(parenthesis.QueryExpression),
        _ => null,
    };

    private static string? ColumnName(SelectElement element) => element switch
    {
        SelectScalarExpression { ColumnName.Value: { } alias } => alias,
        SelectScalarExpression { Expression: ColumnReferenceExpression column } => column.MultiPartIdentifier?.Identifiers.LastOrDefault()?.Value,
        SelectScalarExpression { Expression: var expression } => LastColumn(expression),
        _ => null,
    };

    // A CASE or COALESCE over one column (EF's null checks on joined rows) reads as that column.
    private static string? LastColumn(TSqlFragment expression)
    {
        var columns = new ColumnCollector();
        expression.Accept(columns);
        return columns.Names.Distinct(StringComparer.OrdinalIgnoreCase).Count() == 1 ? columns.Names[0] : null;
    }

    private sealed class VariableCollector : TSqlFragmentVisitor
    {
        public List<string> Referenced { get; } = [];

        public HashSet<string> Declared { get; } = new(StringComparer.OrdinalIgnoreCase);

        // EXEC proc @Name = value: @Name is the procedure's parameter, not a variable of the batch.
        private readonly HashSet<VariableReference> procedureParameters = [];

        public override void Visit(ExecuteParameter node)
        {
            if (node.Variable is { } name)
            {
                procedureParameters.Add(name);
            }
        }

        public override void Visit(VariableReference node)
        {
            if (!procedureParameters.Contains(node))
            {
                Referenced.Add(node.Name);
            }
        }

        public override void Visit(DeclareVariableElement node) => Declared.Add(node.VariableName.Value);

        public override void Visit(DeclareTableVariableBody node) => Declared.Add(node.VariableName.Value);
    }

    private sealed class DynamicSqlCollector : TSqlFragmentVisitor
    {
        public List<string> Statements { get; } = [];

        public override void Visit(ExecutableStringList node)
        {
            if (node.Strings.All(s => s is StringLiteral))
            {
                Statements.Add(string.Concat(node.Strings.Cast<StringLiteral>().Select(s => s.Value)));
            }
        }
    }

    private sealed class ColumnCollector : TSqlFragmentVisitor
    {
        public List<string> Names { get; } = [];

        public override void Visit(ColumnReferenceExpression node)
        {
            if (node.MultiPartIdentifier?.Identifiers.LastOrDefault()?.Value is { } name)
            {
                Names.Add(name);
            }
        }
    }
}
