using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace BacklogPortal.TwoInstances;

/// <summary>
/// Opens Blazor circuits the way blazor.web.js does (negotiate, WebSocket to the hub, blazorpack handshake) as one
/// signed-in user from one client address, many at once, and keeps the accepted ones open. The client address is
/// given as <c>X-Forwarded-For</c>: the instance trusts a proxy on loopback, as it does nginx.
/// </summary>
public static class CircuitStorm
{
    public sealed record Outcome(int Accepted, int Refused, int Failed, IReadOnlyList<ClientWebSocket> Open);

    public static async Task<Outcome> RunAsync(string baseUrl, string cookie, string clientAddress, int attempts, int concurrency)
    {
        var open = new List<ClientWebSocket>();
        int accepted = 0, refused = 0, failed = 0;
        using var gate = new SemaphoreSlim(concurrency);
        await Task.WhenAll(Enumerable.Range(0, attempts).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                var socket = await ConnectAsync(baseUrl, cookie, clientAddress);
                Interlocked.Increment(ref accepted);
                lock (open)
                {
                    open.Add(socket);
                }
            }
            catch (Exception exception) when (exception.Message.Contains("429", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref refused);
            }
            catch (Exception)
            {
                Interlocked.Increment(ref failed);
            }
            finally
            {
                gate.Release();
            }
        }));
        return new Outcome(accepted, refused, failed, open);
    }

    public static async Task<ClientWebSocket> ConnectAsync(string baseUrl, string cookie, string clientAddress)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        http.DefaultRequestHeaders.Add("Cookie", cookie);
        http.DefaultRequestHeaders.Add("X-Forwarded-For", clientAddress);
        using var negotiate = await http.PostAsync("/_blazor/negotiate?negotiateVersion=1", content: null);
        if (!negotiate.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"negotiate: {(int)negotiate.StatusCode}");
        }
        using var json = JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync());
        var token = json.RootElement.GetProperty("connectionToken").GetString();
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", cookie);
        socket.Options.SetRequestHeader("X-Forwarded-For", clientAddress);
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(new Uri(baseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + $"/_blazor?id={token}"), CancellationToken.None);
        }
        catch (WebSocketException) when (socket.HttpStatusCode == HttpStatusCode.TooManyRequests)
        {
            socket.Dispose();
            throw new HttpRequestException("upgrade: 429");
        }
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"blazorpack\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[64];
        var answer = await socket.ReceiveAsync(buffer, CancellationToken.None);
        if (Encoding.UTF8.GetString(buffer, 0, answer.Count) != "{}\u001e")
        {
            throw new InvalidOperationException("The hub did not complete the handshake.");
        }
        return socket;
    }

    /// <summary>The 95th percentile of how long <paramref name="request"/> takes, over <paramref name="count"/> calls in a row.</summary>
    public static async Task<TimeSpan> P95Async(Func<Task> request, int count)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            await request();
            times.Add(watch.Elapsed);
        }
        times.Sort();
        return times[(int)Math.Ceiling(count * 0.95) - 1];
    }
}
