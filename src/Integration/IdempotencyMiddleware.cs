using System.Security.Cryptography;
using System.Text;
using BacklogPortal.Data;
using BacklogPortal.Integration.ApiKeys;

namespace BacklogPortal.Integration;

/// <summary>
/// <c>Idempotency-Key</c> on a POST or PUT: the first response (status and body) is stored per key
/// and API client for <see cref="IntegrationOptions.IdempotencyRetention"/>; a retry with the same
/// key and request gets it back without anything being applied again, the same key with another
/// request gets 422, and a retry while the first is still running gets 409. Outcomes a retry may
/// change (409, 429, 5xx) are not kept.
/// </summary>
internal sealed class IdempotencyMiddleware(
    RequestDelegate next,
    IDbContextFactory<PortalDbContext> dbFactory,
    TimeProvider clock,
    IOptions<IntegrationOptions> options,
    ILogger<IdempotencyMiddleware> logger)
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeaderName = "Idempotent-Replayed";

    private static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(10);
    private long nextCleanupTicks;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!(HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
            || !request.Headers.TryGetValue(HeaderName, out var values)
            || context.User.Identity?.AuthenticationType != ApiKeyAuthenticationHandler.SchemeName)
        {
            await next(context);
            return;
        }
        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > IdempotencyRecord.MaxKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            await ApiProblems.Validation(HeaderName, $"Use 1 to {IdempotencyRecord.MaxKeyLength} visible ASCII characters, e.g. a UUID.").ExecuteAsync(context);
            return;
        }

        var clientId = context.ClientId();
        var hash = await HashAsync(request);
        var now = clock.GetUtcNow();
        await CleanUpAsync(now);
        var (record, stored) = await ClaimAsync(clientId, key, hash, now, context.RequestAborted);
        if (!stored)
        {
            await AnswerFromRecordAsync(context, record, hash);
            return;
        }

        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        catch
        {
            await ForgetAsync(record.Id);
            throw;
        }
        finally
        {
            context.Response.Body = original;
        }

        var status = context.Response.StatusCode;
        if (status >= 500 || status is StatusCodes.Status409Conflict or StatusCodes.Status429TooManyRequests)
        {
            await ForgetAsync(record.Id);
        }
        else
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            var body = buffer.ToArray();
            var contentType = context.Response.ContentType;
            var location = context.Response.Headers.Location.ToString();
            await db.IdempotencyRecords.Where(r => r.Id == record.Id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.StatusCode, status)
                .SetProperty(r => r.ContentType, contentType)
                .SetProperty(r => r.Location, string.IsNullOrEmpty(location) ? null : location)
                .SetProperty(r => r.ResponseBody, body), CancellationToken.None);
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    private static async Task<string> HashAsync(HttpRequest request)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        if (request.Body.CanSeek)
        {
            request.Body.Position = 0;
            var chunk = new byte[81920];
            int read;
            while ((read = await request.Body.ReadAsync(chunk)) > 0)
            {
                hash.AppendData(chunk, 0, read);
            }
            request.Body.Position = 0;
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // Stores a pending record for the key, or returns the one already there (stored = false). Run whole again on a
    // transient SQL Server fault (Data/UnitsOfWork); a record whose commit landed although its answer was lost is this
    // request's own (key, request and instant): found, it is claimed, not answered with 409 "in progress" until it expires.
    private Task<(IdempotencyRecord Record, bool Stored)> ClaimAsync(int clientId, string key, string hash, DateTimeOffset now, CancellationToken cancellationToken) =>
        dbFactory.RunWithRetriesAsync(
            () => ClaimOnceAsync(clientId, key, hash, now, cancellationToken),
            async () =>
            {
                await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
                var stored = await db.IdempotencyRecords.AsNoTracking()
                    .SingleOrDefaultAsync(r => r.ApiClientId == clientId && r.Key == key && r.RequestHash == hash && r.CreatedAt == now && r.StatusCode == null);
                return (stored is not null, (stored!, true));
            },
            cancellationToken);

    private async Task<(IdempotencyRecord Record, bool Stored)> ClaimOnceAsync(int clientId, string key, string hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expired = now - options.Value.IdempotencyRetention;
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var existing = await db.IdempotencyRecords.AsNoTracking().SingleOrDefaultAsync(r => r.ApiClientId == clientId && r.Key == key, cancellationToken);
            if (existing is not null && existing.CreatedAt >= expired)
            {
                return (existing, false);
            }
            if (existing is not null)
            {
                await db.IdempotencyRecords.Where(r => r.Id == existing.Id).ExecuteDeleteAsync(cancellationToken);
            }
            var record = new IdempotencyRecord { ApiClientId = clientId, Key = key, RequestHash = hash, CreatedAt = now };
            db.IdempotencyRecords.Add(record);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return (record, true);
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another request with the same key stored its record first (SQL Server); read that one.
            }
        }
    }

    private static async Task AnswerFromRecordAsync(HttpContext context, IdempotencyRecord record, string hash)
    {
        if (record.RequestHash != hash)
        {
            await TypedResults.Problem(
                $"This {HeaderName} was first used with a different request; use a new key for a new request.",
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Idempotency key reused.").ExecuteAsync(context);
            return;
        }
        if (record.StatusCode is not { } status)
        {
            context.Response.Headers.RetryAfter = "1";
            await TypedResults.Problem(
                "The first request with this key is still being processed; retry in a moment to get its answer.",
                statusCode: StatusCodes.Status409Conflict,
                title: "Request in progress.").ExecuteAsync(context);
            return;
        }
        var response = context.Response;
        response.StatusCode = status;
        response.Headers[ReplayedHeaderName] = "true";
        if (record.ContentType is { } contentType)
        {
            response.ContentType = contentType;
        }
        if (record.Location is { } location)
        {
            response.Headers.Location = location;
        }
        if (record.ResponseBody is { Length: > 0 } body)
        {
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    private async Task ForgetAsync(long recordId)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await db.IdempotencyRecords.Where(r => r.Id == recordId).ExecuteDeleteAsync(CancellationToken.None);
    }

    private async Task CleanUpAsync(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref nextCleanupTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref nextCleanupTicks, (now + CleanupInterval).UtcTicks, due) != due)
        {
            return;
        }
        var expired = now - options.Value.IdempotencyRetention;
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var deleted = await db.IdempotencyRecords.Where(r => r.CreatedAt < expired).ExecuteDeleteAsync(CancellationToken.None);
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Count} idempotency records older than {Retention}", deleted, options.Value.IdempotencyRetention);
        }
    }
}
