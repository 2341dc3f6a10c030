using BacklogPortal.Data;
using BacklogPortal.Data.Demo;
using BacklogPortal.EndToEnd.Infrastructure;
using BacklogPortal.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BacklogPortal.EndToEnd.Hosting;

public sealed class CircuitLimitPageTests(PortalServer server) : PortalTest(server)
{
    [Fact]
    public Task ATabPastTheUsersLimitSaysWhyAndWorksAgainOnceOthersClose() => InBrowserAsync(async page =>
    {
        var gate = Server.Services.GetRequiredService<CircuitGate>();
        var perUser = Server.Services.GetRequiredService<IOptions<CircuitLimitOptions>>().Value.PerUser;
        var bobId = await UserIdAsync(DemoDataSeeder.BobEmail);
        await page.SignInAsync(DemoDataSeeder.BobEmail, DemoDataSeeder.Password);
        await Expect(page.BacklogRows().First).ToBeVisibleAsync();

        // Bob's other tabs, up to his limit (whether or not this tab's old connection has gone yet).
        var others = new List<IDisposable>();
        while (others.Count < perUser && gate.TryEnter(bobId, "127.0.0.1").Lease is { } lease)
        {
            others.Add(lease);
        }
        Assert.InRange(others.Count, perUser - 1, perUser);
        try
        {
            await page.ReloadAsync();

            var refusal = page.GetByTestId("circuit-refused");
            await Expect(refusal).ToBeVisibleAsync();
            await Expect(refusal).ToContainTextAsync($"more than {perUser} portal tabs");
            await Expect(page.BacklogRows()).ToHaveCountAsync(0);
        }
        finally
        {
            others.ForEach(lease => lease.Dispose());
        }

        await page.ReloadAsync();
        await Expect(page.BacklogRows().First).ToBeVisibleAsync();
    });

    private async Task<string> UserIdAsync(string email)
    {
        var dbFactory = Server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }
}
