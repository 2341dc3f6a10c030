using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using BacklogPortal.Data.Demo;
using BacklogPortal.Hosting;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Hosting;

/// <summary>
/// Circuit connections opened the way blazor.web.js opens them (negotiate, then a WebSocket to Blazor's
/// hub with the blazorpack handshake), counted per user, per client address and refused past the limits.
/// </summary>
public sealed class CircuitLimitTests(CircuitLimitTests.LowLimitFactory factory) : IClassFixture<CircuitLimitTests.LowLimitFactory>, IAsyncLifetime
{
    public sealed class LowLimitFactory : PortalAppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Portal:Circuits:PerUser"] = "3",
            ["Portal:Circuits:PerClientAddress"] = "4",
        };
    }

    private readonly List<WebSocket> sockets = [];

    [Fact]
    public async Task ConnectionsPastTheLimitsAreRefusedAndAClosedTabFreesItsPlace()
    {
        var gate = factory.Services.GetRequiredService<CircuitGate>();
        var alice = await CookieOfAsync(DemoDataSeeder.AliceEmail);
        var bob = await CookieOfAsync(DemoDataSeeder.BobEmail);

        for (var i = 0; i < 3; i++)
        {
            sockets.Add(await ConnectAsync(alice));
        }
        var fourthOfAlice = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(alice));
        sockets.Add(await ConnectAsync(bob));
        var secondOfBob = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(bob));
        var anonymous = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(cookie: null));

        Assert.Contains("429", fourthOfAlice.Message);
        Assert.Contains("429", secondOfBob.Message);
        Assert.Contains("401", anonymous.Message);
        Assert.Equal(4, gate.OpenCount);

        // Alice closes a tab: once the server has let go of it, Bob's second tab fits under the address limit.
        await sockets[0].CloseAsync(WebSocketCloseStatus.NormalClosure, "tab closed", CancellationToken.None);
        await WaitUntilAsync(() => gate.OpenCount == 3);
        sockets.Add(await ConnectAsync(bob));
        Assert.Equal(4, gate.OpenCount);
    }

    [Fact]
    public async Task ThePortalOffersCircuitsOnlyOverWebSockets()
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);
        var token = await NegotiateAsync(client);

        var longPoll = await client.GetAsync($"/_blazor?id={token}");

        Assert.Equal(HttpStatusCode.BadRequest, longPoll.StatusCode);
    }

    private async Task<string> CookieOfAsync(string email)
    {
        var client = factory.CreatePortalClient();
        var response = await client.PostSignInAsync(email, DemoDataSeeder.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(cookie => cookie.Split(';')[0]));
    }

    private async Task<WebSocket> ConnectAsync(string? cookie)
    {
        var http = factory.CreateClient();
        if (cookie is not null)
        {
            http.DefaultRequestHeaders.Add("Cookie", cookie);
        }
        var token = await NegotiateAsync(http);
        var client = factory.Server.CreateWebSocketClient();
        client.ConfigureRequest = request =>
        {
            if (cookie is not null)
            {
                request.Headers.Cookie = cookie;
            }
        };
        var url = new UriBuilder(factory.Server.BaseAddress) { Scheme = "ws", Path = "_blazor", Query = $"id={token}" }.Uri;
        var socket = await client.ConnectAsync(url, CancellationToken.None);
        // SignalR's handshake for Blazor's protocol; the hub answers "{}" + record separator.
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"blazorpack\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[64];
        var answer = await socket.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(buffer, 0, answer.Count));
        return socket;
    }

    private static async Task<string> NegotiateAsync(HttpClient client)
    {
        var negotiate = await client.PostAsync("/_blazor/negotiate?negotiateVersion=1", content: null);
        negotiate.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("connectionToken").GetString()!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Yield();
            await Task.Delay(10, timeout.Token);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var socket in sockets.Where(s => s.State == WebSocketState.Open))
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }
    }
}
