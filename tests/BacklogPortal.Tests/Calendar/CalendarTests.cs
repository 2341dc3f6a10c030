using System.Net;
using BacklogPortal.Calendar;
using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Calendar;

/// <summary>A line's .ics download and the personal feed, over HTTP on the demo data (alice: Northwind, bob: Contoso).</summary>
public sealed class CalendarTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task ALinesDownloadIsOneAllDayEventWithTheLinesUidAndSequence()
    {
        var line = await OpenLineAsync("alice@example.com", dated: true);
        using var client = factory.CreatePortalClient();
        await client.SignInAsync("alice@example.com", "Demo-Passw0rd!");

        var response = await client.GetAsync($"/calendar/lines/{line.Id}.ics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var ics = await response.Content.ReadAsStringAsync();
        Assert.Equal(1, Events(ics));
        Assert.Contains($"UID:line-{line.Id}@localhost\r\n", ics);
        Assert.Contains($"SEQUENCE:{line.EtaChangeCount}\r\n", ics);
        Assert.Contains($"DTSTART;VALUE=DATE:{line.Eta!.Value:yyyyMMdd}\r\n", ics);
        Assert.Contains($"DTEND;VALUE=DATE:{line.Eta!.Value.AddDays(1):yyyyMMdd}\r\n", ics);
    }

    [Fact]
    public async Task AnotherCustomersLineOrALineWithoutADateIsNotFound()
    {
        var bobs = await OpenLineAsync("bob@example.com", dated: true);
        var undated = await OpenLineAsync("alice@example.com", dated: false);
        using var client = factory.CreatePortalClient();
        await client.SignInAsync("alice@example.com", "Demo-Passw0rd!");

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/calendar/lines/{bobs.Id}.ics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/calendar/lines/{undated.Id}.ics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/calendar/lines/99999999.ics")).StatusCode);
        using var anonymous = factory.CreatePortalClient();
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync($"/calendar/lines/{bobs.Id}.ics")).StatusCode);
    }

    [Fact]
    public async Task TheFeedListsEveryDatedOpenLineOfTheCustomerAndNoneOfAnother()
    {
        var (alice, customerId) = await UserAsync("alice@example.com");
        var calendar = factory.Services.GetRequiredService<CustomerCalendar>();
        var token = await calendar.RenewFeedAsync(alice, customerId);
        Assert.NotNull(token);
        int expected;
        List<int> bobsLines;
        await using (var db = await Db())
        {
            expected = await db.OrderLines.Where(l => l.CustomerId == customerId && l.Eta != null).Where(LineRules.IsOpen).CountAsync();
            var (_, bobsCustomer) = await UserAsync("bob@example.com");
            bobsLines = await db.OrderLines.Where(l => l.CustomerId == bobsCustomer).Select(l => l.Id).ToListAsync();
        }
        Assert.True(expected > 10, "The demo data should give alice many dated open lines.");
        Assert.NotEmpty(bobsLines);
        using var anonymous = factory.CreatePortalClient();

        var response = await anonymous.GetAsync($"/calendar/feed/{token}.ics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        var ics = await response.Content.ReadAsStringAsync();
        Assert.Equal(expected, Events(ics));
        Assert.Contains("X-WR-CALNAME:Deliveries Northwind Traders", ics);
        Assert.All(bobsLines, id => Assert.DoesNotContain($"UID:line-{id}@", ics));
    }

    [Fact]
    public async Task ARevokedOrReplacedFeedAddressIsNotFound()
    {
        var (bob, customerId) = await UserAsync("bob@example.com");
        var calendar = factory.Services.GetRequiredService<CustomerCalendar>();
        using var anonymous = factory.CreatePortalClient();
        var first = await calendar.RenewFeedAsync(bob, customerId);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/calendar/feed/{first}.ics")).StatusCode);

        var second = await calendar.RenewFeedAsync(bob, customerId);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/calendar/feed/{first}.ics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/calendar/feed/{second}.ics")).StatusCode);

        await calendar.RevokeFeedAsync(bob, customerId);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/calendar/feed/{second}.ics")).StatusCode);
        foreach (var guess in new[] { "x", new string('A', SecretToken.Length), "..%2F..%2Fetc", second![..^1] })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/calendar/feed/{guess}.ics")).StatusCode);
        }
    }

    [Fact]
    public async Task AFeedTokenCannotBeMadeForAnotherCustomersUser()
    {
        var (bob, _) = await UserAsync("bob@example.com");
        var (_, alicesCustomer) = await UserAsync("alice@example.com");
        Assert.Null(await factory.Services.GetRequiredService<CustomerCalendar>().RenewFeedAsync(bob, alicesCustomer));
    }

    private static int Events(string ics) => ics.Split("BEGIN:VEVENT").Length - 1;

    private async Task<(string UserId, int CustomerId)> UserAsync(string email)
    {
        await using var db = await Db();
        var user = await db.Users.SingleAsync(u => u.Email == email);
        return (user.Id, user.CustomerId!.Value);
    }

    private async Task<OrderLine> OpenLineAsync(string email, bool dated)
    {
        var (_, customerId) = await UserAsync(email);
        await using var db = await Db();
        return await db.OrderLines.Where(l => l.CustomerId == customerId && (l.Eta != null) == dated).Where(LineRules.IsOpen).OrderBy(l => l.Id).FirstAsync();
    }

    private async Task<PortalDbContext> Db() =>
        await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
}
