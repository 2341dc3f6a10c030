using System.Net;
using BacklogPortal.Data.Demo;
using BacklogPortal.Integration.ApiKeys;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Integration;

public sealed class RateLimitTests(RateLimitTests.Factory factory) : IClassFixture<RateLimitTests.Factory>
{
    public sealed class Factory : ApiAppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Integration:RequestsPerSecond"] = "1",
            ["Integration:Burst"] = "3",
        };
    }

    [Fact]
    public async Task KeyOverItsLimitGetsTooManyRequestsWithRetryAfterWhileOtherKeysGoOn()
    {
        var (other, _) = await factory.Services.GetRequiredService<ApiKeyService>().CreateAsync(ErpApi.Unique("second"));
        var busy = ErpApi.CreateClient(factory, DemoDataSeeder.ApiKey);
        var calm = ErpApi.CreateClient(factory, other!.Key);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var response = await busy.GetAsync("/api/v1/events");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }
        var calmResponse = await calm.GetAsync("/api/v1/events");

        Assert.NotNull(limited);
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 3, string.Join(",", statuses));
        await limited.AssertProblemAsync(429);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, calmResponse.StatusCode);
    }
}
