using System.Data.Common;
using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Tests.EtaChanges;
using BacklogPortal.Tests.Notifications;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Data;

/// <summary>
/// The portal on SQLite with a retrying execution strategy, as SQL Server runs with <c>EnableRetryOnFailure</c>:
/// a fault injected into one statement must make the whole transaction run again, and leave every row once.
/// </summary>
public sealed class TransientFaultAppFactory : NotificationAppFactory
{
    public TransientFaults Faults { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.ConfigureDbContext<SqlitePortalDbContext>(options => options
            .UseSqlite(sqlite => sqlite.ExecutionStrategy(dependencies => new RetryingStrategy(dependencies)))
            .AddInterceptors(Faults)));
    }

    /// <summary>Retries what SQL Server's strategy would retry; here, only the injected fault.</summary>
    private sealed class RetryingStrategy(ExecutionStrategyDependencies dependencies)
        : ExecutionStrategy(dependencies, maxRetryCount: 3, maxRetryDelay: TimeSpan.Zero)
    {
        protected override bool ShouldRetryOn(Exception exception) => exception is TransientFaults.InjectedFault;

        // No wait between attempts: the fault is gone at once, and the test does not sleep.
        protected override TimeSpan? GetNextDelay(Exception lastException) => base.GetNextDelay(lastException) is null ? null : TimeSpan.Zero;
    }
}

/// <summary>Fails the next command whose SQL starts with a given text, or the next commit after it reached the database.</summary>
public sealed class TransientFaults : DbCommandInterceptor, IDbTransactionInterceptor
{
    private string? failCommandStartingWith;
    private bool failAfterCommit;

    /// <summary>Faults injected since the last one was armed.</summary>
    public int Injected { get; private set; }

    public void FailNextCommandStartingWith(string sql)
    {
        failCommandStartingWith = sql;
        Injected = 0;
    }

    public void FailNextCommitAfterItLanded()
    {
        failAfterCommit = true;
        Injected = 0;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (failCommandStartingWith is { } start && command.CommandText.TrimStart().StartsWith(start, StringComparison.Ordinal))
        {
            failCommandStartingWith = null;
            Injected++;
            throw new InjectedFault($"Injected before: {start}");
        }
        return ValueTask.FromResult(result);
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (failAfterCommit)
        {
            failAfterCommit = false;
            Injected++;
            throw new InjectedFault("Injected after the commit: the database has it, the caller does not know");
        }
        return Task.CompletedTask;
    }

    public sealed class InjectedFault(string message) : DbException(message);
}

public sealed class TransientFaultTests(TransientFaultAppFactory factory) : IClassFixture<TransientFaultAppFactory>
{
    private readonly EtaTestData data = new(factory);

    [Fact]
    public async Task AFaultInTheEtaChangeRunsTheWholeTransactionAgainAndWritesEveryRowOnce()
    {
        var product = await data.ProductWithLinesAsync(2, new LineSpec(null), new LineSpec(null), new LineSpec(null));
        var eta = EtaTestData.Promised.AddDays(20);
        factory.Faults.FailNextCommandStartingWith("INSERT INTO \"NotificationOutbox\"");

        var result = await data.Service.ChangeAsync(EtaTestData.Request(EtaChangeTarget.ForSku(product.Sku), eta));

        Assert.Equal(1, factory.Faults.Injected);
        Assert.Equal(EtaChangeOutcome.Changed, result.Outcome);
        Assert.Equal(3, result.LinesChanged);
        var lines = await data.LinesOfAsync(product);
        Assert.Equal(3, lines.Count);
        // Claimed once (version 0 → 1) and changed once: the failed attempt left nothing behind.
        Assert.All(lines, l => Assert.Equal((eta, 1L, 1), (l.Eta, l.Version, l.EtaChangeCount)));
        Assert.Equal(3, (await data.ChangesOfAsync(product)).Count);
        Assert.Equal(3, (await data.OutboxOfAsync(product)).Count);
    }

    [Fact]
    public async Task ACommitThatLandedBeforeItsFaultIsRecognisedAndNotRunAgain()
    {
        var product = await data.ProductWithLinesAsync(2, new LineSpec(null), new LineSpec(null));
        var eta = EtaTestData.Promised.AddDays(25);
        factory.Faults.FailNextCommitAfterItLanded();

        var result = await data.Service.ChangeAsync(EtaTestData.Request(EtaChangeTarget.ForSku(product.Sku), eta));

        Assert.Equal(1, factory.Faults.Injected);
        // Run again, the change would find nothing left to change; the batch's audit rows tell it was made.
        Assert.Equal(EtaChangeOutcome.Changed, result.Outcome);
        Assert.Equal((2, 2), (result.LinesChanged, result.CustomersAffected));
        Assert.All(await data.LinesOfAsync(product), l => Assert.Equal((eta, 1L, 1), (l.Eta, l.Version, l.EtaChangeCount)));
        Assert.Equal(2, (await data.ChangesOfAsync(product)).Count);
        Assert.Equal(2, (await data.OutboxOfAsync(product)).Count);
    }

    [Fact]
    public async Task AFaultWhileComposingRunsTheBatchAgainAndCreatesOneEmail()
    {
        var product = await data.ProductWithLinesAsync(1, new LineSpec(null));
        var change = await data.Service.ChangeAsync(EtaTestData.Request(EtaChangeTarget.ForSku(product.Sku), EtaTestData.Promised.AddDays(30)));
        Assert.Equal(EtaChangeOutcome.Changed, change.Outcome);
        var customerId = (await data.LinesOfAsync(product)).Single().CustomerId;
        factory.PassCoalesceWindow();
        factory.Faults.FailNextCommandStartingWith("UPDATE \"NotificationOutbox\"");

        await factory.Composer.ComposeDueAsync();

        Assert.Equal(1, factory.Faults.Injected);
        await using var db = await factory.CreateDbContextAsync();
        var notification = Assert.Single(await db.Notifications.AsNoTracking().Where(n => n.CustomerId == customerId).ToListAsync());
        Assert.Equal($"notification-{notification.Id}@portal.example.com", notification.MessageId);
        var entry = Assert.Single(await data.OutboxOfAsync(product));
        Assert.Equal(notification.Id, entry.NotificationId);
    }
}
