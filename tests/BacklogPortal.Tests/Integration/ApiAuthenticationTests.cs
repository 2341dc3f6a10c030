using System.Net;
using BacklogPortal.Data.Demo;
using BacklogPortal.Integration.ApiKeys;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Integration;

public sealed class ApiAuthenticationTests(ApiAppFactory factory) : IClassFixture<ApiAppFactory>
{
    private ApiKeyService Keys => factory.Services.GetRequiredService<ApiKeyService>();

    [Theory]
    [InlineData(null, "Send an API key in the X-Api-Key header.")]
    [InlineData("x", "The API key is unknown or revoked.")]
    [InlineData("demo-erp-key-0000000000000001", "The API key is unknown or revoked.")]
    public async Task RequestWithoutAValidKeyIsUnauthorized(string? key, string detail)
    {
        var client = ErpApi.CreateClient(factory, null);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events");
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }

        var response = await client.SendAsync(request);

        var problem = await response.AssertProblemAsync(401);
        Assert.Equal(detail, problem["detail"]!.GetValue<string>());
        Assert.Contains("X-Api-Key", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task NewKeyWorksUntilRevokedAndRecordsItsLastUse()
    {
        var (created, error) = await Keys.CreateAsync(ErpApi.Unique("erp"));
        Assert.Null(error);
        var client = ErpApi.CreateClient(factory, created!.Key);

        var before = await client.GetAsync("/api/v1/events");
        Assert.True(await Keys.RevokeAsync(created.Client.Id));
        var after = await client.GetAsync("/api/v1/events");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await after.AssertProblemAsync(401);
        var listed = Assert.Single(await Keys.ListAsync(), c => c.Id == created.Client.Id);
        Assert.NotNull(listed.LastUsedAt);
        Assert.False(listed.IsActive);
        await using var db = await new ErpApi(factory).DbAsync();
        var stored = await db.ApiClients.SingleAsync(c => c.Id == created.Client.Id);
        Assert.NotEqual(created.Key, stored.KeyHash);
        Assert.DoesNotContain(created.Key, stored.KeyHash);
        Assert.Equal(64, stored.KeyHash.Length);
    }

    [Fact]
    public async Task KeyNamesAreUniqueAndRequired()
    {
        var (_, duplicate) = await Keys.CreateAsync(DemoDataSeeder.ApiClientName);
        var (_, empty) = await Keys.CreateAsync("  ");

        Assert.NotNull(duplicate);
        Assert.NotNull(empty);
    }

    [Fact]
    public async Task StaffSignInCookieDoesNotOpenTheApi()
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);

        var response = await client.GetAsync("/api/v1/events");

        await response.AssertProblemAsync(401);
    }

    [Fact]
    public async Task ApiKeyDoesNotOpenAPortalPage()
    {
        var client = ErpApi.CreateClient(factory, DemoDataSeeder.ApiKey);

        var staff = await client.GetAsync("/staff");
        var backlog = await client.GetAsync("/backlog");

        Assert.Equal(HttpStatusCode.Redirect, staff.StatusCode);
        Assert.StartsWith("/Account/Login", new Uri(new Uri("http://localhost"), staff.Headers.Location!).PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, backlog.StatusCode);
    }
}
