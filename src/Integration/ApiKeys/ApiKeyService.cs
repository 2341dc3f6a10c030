using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using BacklogPortal.Data;

namespace BacklogPortal.Integration.ApiKeys;

/// <summary>An API client as an Admin sees it; never the key.</summary>
public sealed record ApiClientSummary(int Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public bool IsActive => RevokedAt is null;
}

/// <summary>A key just created: <see cref="Key"/> is shown once and cannot be read again.</summary>
public sealed record CreatedApiKey(ApiClientSummary Client, string Key);

/// <summary>The client a valid key belongs to.</summary>
public sealed record AuthenticatedApiClient(int Id, string Name);

/// <summary>
/// ERP API keys: 256 random bits, stored as their SHA-256 (a hash of a high-entropy secret needs no
/// salt or slow hash), looked up by hash and compared in constant time. The client's name is the
/// "who" of everything its key writes.
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, ILogger<ApiKeyService> logger)
{
    // Keys are told apart from other secrets in logs and scanners by their prefix.
    private const string KeyPrefix = "bpk_";

    private static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    /// <summary>How long a key checked against the database is trusted without asking again (revocation on another instance takes this long).</summary>
    public static readonly TimeSpan CheckedKeyLifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<int, DateTimeOffset> lastUsedWritten = new();

    // Key hash → client, for the ERP's request rate: one database lookup per key every few seconds, not per request.
    private readonly ConcurrentDictionary<string, (AuthenticatedApiClient Client, DateTimeOffset CheckedAt)> checkedKeys = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<ApiClientSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var clients = await db.ApiClients.AsNoTracking()
            .Select(c => new ApiClientSummary(c.Id, c.Name, c.CreatedAt, c.LastUsedAt, c.RevokedAt))
            .ToListAsync(cancellationToken);
        return [.. clients.OrderBy(c => c.RevokedAt is not null).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>A new client with a new key; null with a message when the name is not usable.</summary>
    public async Task<(CreatedApiKey? Created, string? Error)> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0 || trimmed.Length > ApiClient.MaxNameLength || PlainText.HasControlCharacter(trimmed))
        {
            return (null, $"Give the client a name of 1 to {ApiClient.MaxNameLength} characters.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.ApiClients.AnyAsync(c => c.Name == trimmed, cancellationToken))
        {
            return (null, $"There is already a client named {trimmed}; names appear in the audit trail, so each is unique.");
        }
        var key = KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var client = new ApiClient { Name = trimmed, KeyHash = Domain.ApiKeys.Hash(key), CreatedAt = clock.GetUtcNow() };
        db.ApiClients.Add(client);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return (null, $"There is already a client named {trimmed}; names appear in the audit trail, so each is unique.");
        }
        logger.LogInformation("API client {Name} created", trimmed);
        return (new CreatedApiKey(new ApiClientSummary(client.Id, client.Name, client.CreatedAt, null, null), key), null);
    }

    /// <summary>Revokes the client's key at once; false when there is no such active client.</summary>
    public async Task<bool> RevokeAsync(int clientId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var revoked = await db.ApiClients.Where(c => c.Id == clientId && c.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, now), cancellationToken);
        foreach (var entry in checkedKeys.Where(e => e.Value.Client.Id == clientId))
        {
            checkedKeys.TryRemove(entry.Key, out _);
        }
        if (revoked == 1)
        {
            logger.LogInformation("API client {ClientId} revoked", clientId);
        }
        return revoked == 1;
    }

    /// <summary>The active client the key belongs to, or null (no such key, or revoked).</summary>
    public async Task<AuthenticatedApiClient?> AuthenticateAsync(string? presentedKey, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(presentedKey) || presentedKey.Length > 200)
        {
            return null;
        }
        var hash = Domain.ApiKeys.Hash(presentedKey);
        var now = clock.GetUtcNow();
        if (checkedKeys.TryGetValue(hash, out var known) && now - known.CheckedAt < CheckedKeyLifetime)
        {
            return known.Client;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var client = await db.ApiClients.AsNoTracking()
            .Where(c => c.KeyHash == hash && c.RevokedAt == null)
            .Select(c => new { c.Id, c.Name, c.KeyHash })
            .SingleOrDefaultAsync(cancellationToken);
        // The lookup is by index; the final comparison does not leak, through its timing, how much of a hash matched.
        if (client is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(client.KeyHash), Encoding.ASCII.GetBytes(hash)))
        {
            return null;
        }
        await TouchAsync(db, client.Id, cancellationToken);
        var authenticated = new AuthenticatedApiClient(client.Id, client.Name);
        checkedKeys[hash] = (authenticated, now);
        return authenticated;
    }

    // Last use is for an Admin deciding whether a key is still needed: minute precision, not a write per request.
    private async Task TouchAsync(PortalDbContext db, int clientId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (lastUsedWritten.TryGetValue(clientId, out var written) && now - written < LastUsedPrecision)
        {
            return;
        }
        lastUsedWritten[clientId] = now;
        await db.ApiClients.Where(c => c.Id == clientId).ExecuteUpdateAsync(s => s.SetProperty(c => c.LastUsedAt, now), cancellationToken);
    }
}
