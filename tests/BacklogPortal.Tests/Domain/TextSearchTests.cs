using BacklogPortal.Domain;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Tests.Domain;

/// <summary>The one text search, as SQLite runs it: case-insensitive, wildcards typed by people taken literally.</summary>
public sealed class TextSearchTests : IAsyncLifetime
{
    private TestDatabase database = default!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        var backlog = new BacklogBuilder(database);
        await backlog.ProductAsync("ABC-100", "Walnut Desk");
        await backlog.ProductAsync("ABX-200", "Oak shelf 50%");
        await backlog.ProductAsync("XYZ_300", "Lamp");
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Theory]
    [InlineData("abc-1", "ABC-100")]
    [InlineData("  WALNUT desk ", "ABC-100")]
    [InlineData("50%", "ABX-200")]
    [InlineData("z_3", "XYZ_300")]
    public async Task FindsTheTextInAnyColumnIgnoringCase(string typed, string expectedSku) =>
        Assert.Equal([expectedSku], await SkusMatchingAsync(typed));

    [Theory]
    [InlineData("a_c")]
    [InlineData("%desk")]
    [InlineData("[a]bc")]
    public async Task TreatsLikeWildcardsAsPlainCharacters(string typed) =>
        Assert.Empty(await SkusMatchingAsync(typed));

    [Fact]
    public async Task SendsThePatternAsAParameter()
    {
        await using var db = database.CreateDbContext();
        var sql = db.Products.Where(TextSearch.AnyContains<Product>("desk", p => p.Sku, p => p.Name)).ToQueryString();
        var select = sql[sql.IndexOf("SELECT", StringComparison.Ordinal)..];

        Assert.StartsWith(".param set @SearchPattern '%desk%'", sql);
        Assert.Contains("\"p\".\"Sku\" LIKE @SearchPattern ESCAPE '\\'", select);
        Assert.Contains("\"p\".\"Name\" LIKE @SearchPattern ESCAPE '\\'", select);
        Assert.DoesNotContain("desk", select);
    }

    private async Task<List<string>> SkusMatchingAsync(string typed)
    {
        await using var db = database.CreateDbContext();
        return await db.Products.Where(TextSearch.AnyContains<Product>(typed, p => p.Sku, p => p.Name)).OrderBy(p => p.Sku).Select(p => p.Sku).ToListAsync();
    }
}
