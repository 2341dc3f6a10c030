using BacklogPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Xunit.Abstractions;

namespace BacklogPortal.Tests.Data.SqlServer;

/// <summary>
/// The script SQL Server deployments run (README, "Deploying on SQL Server"): generated here the way
/// <c>dotnet ef migrations script --idempotent --context SqlServerPortalDbContext</c> does, through the
/// design-time factory and without a server, and parsed by Microsoft's T-SQL parser.
/// </summary>
public sealed class MigrationScriptTests(ITestOutputHelper output)
{
    /// <summary>Set by .ci/run to the script it wrote with the dotnet-ef tool, so the artefact itself is checked too.</summary>
    public const string CiScriptVariable = "BACKLOGPORTAL_SQLSERVER_SCRIPT";

    [Fact]
    public void TheIdempotentSqlServerScriptParsesForSqlServer2022And2025AndAzureSql()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        var migrations = db.Database.GetMigrations().ToList();
        Assert.True(migrations.Count >= 2, "The SQL Server migration set is missing.");
        foreach (var migration in migrations)
        {
            // Idempotent: each migration runs only where the history does not have it yet.
            Assert.Contains($"WHERE [MigrationId] = N'{migration}'", script);
        }
        output.WriteLine($"{migrations.Count} migrations, {script.Split('\n').Length} lines");
        var problems = TransactSql.Problems(script);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void TheScriptCiWroteParsesToo()
    {
        if (Environment.GetEnvironmentVariable(CiScriptVariable) is not { Length: > 0 } path)
        {
            return; // outside .ci/run: the test above covers the same script, generated in-process
        }
        Assert.True(File.Exists(path), $"{CiScriptVariable} names {path}, which does not exist: the CI step that writes it failed.");
        var script = File.ReadAllText(path);
        Assert.Contains("__EFMigrationsHistory", script);
        var problems = TransactSql.Problems(script);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
