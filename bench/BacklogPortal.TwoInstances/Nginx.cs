using System.Diagnostics;

namespace BacklogPortal.TwoInstances;

/// <summary>
/// Debian's nginx in front of the two instances, as a deployment would run it: WebSockets passed through, forwarded
/// headers set, and sticky sessions. Open-source nginx has no sticky directive, so the proxy sets a cookie naming the
/// instance that answered a browser's first request and routes on it from then on (a Blazor circuit lives in one
/// instance's memory; its reconnects must come back there).
/// </summary>
public sealed class Nginx : IAsyncDisposable
{
    private readonly Process process;

    private Nginx(Process process, int port, string accessLog)
    {
        this.process = process;
        Port = port;
        AccessLog = accessLog;
    }

    public int Port { get; }

    /// <summary>One line per request: status, upstream that answered, request line.</summary>
    public string AccessLog { get; }

    public static async Task<Nginx> StartAsync(string directory, int port, int portA, int portB)
    {
        Directory.CreateDirectory(Path.Combine(directory, "temp"));
        var accessLog = Path.Combine(directory, "access.log");
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 1024; }
            http {
              client_body_temp_path {{directory}}/temp/body;
              proxy_temp_path {{directory}}/temp/proxy;
              fastcgi_temp_path {{directory}}/temp/fastcgi;
              uwsgi_temp_path {{directory}}/temp/uwsgi;
              scgi_temp_path {{directory}}/temp/scgi;
              log_format portal '$status $upstream_addr "$request"';
              access_log {{accessLog}} portal;

              upstream portal { server 127.0.0.1:{{portA}}; server 127.0.0.1:{{portB}}; }
              upstream portal_a { server 127.0.0.1:{{portA}}; }
              upstream portal_b { server 127.0.0.1:{{portB}}; }
              # The instance a browser is pinned to, from the cookie the proxy set on its first answer.
              map $cookie_portal_route $pinned { a portal_a; b portal_b; default portal; }
              # Which instance answered, to pin a browser that has no cookie yet; empty (no header) once pinned.
              map "$cookie_portal_route:$upstream_addr" $route_cookie {
                ":127.0.0.1:{{portA}}" "portal_route=a; Path=/; HttpOnly; SameSite=Lax";
                ":127.0.0.1:{{portB}}" "portal_route=b; Path=/; HttpOnly; SameSite=Lax";
                default "";
              }
              map $http_upgrade $connection_upgrade { default upgrade; '' close; }

              server {
                listen 127.0.0.1:{{port}};
                location / {
                  proxy_pass http://$pinned;
                  proxy_http_version 1.1;
                  proxy_set_header Upgrade $http_upgrade;
                  proxy_set_header Connection $connection_upgrade;
                  proxy_set_header Host $http_host;
                  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                  proxy_set_header X-Forwarded-Proto $scheme;
                  proxy_read_timeout 3600s;
                  add_header Set-Cookie $route_cookie;
                }
              }
            }
            """);
        var start = new ProcessStartInfo("nginx") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in new[] { "-p", directory, "-c", config, "-g", "daemon off;" })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        var nginx = new Nginx(process, port, accessLog);
        await Http.WaitUntilAsync(async () =>
        {
            using var client = new HttpClient();
            try
            {
                await client.GetAsync($"http://127.0.0.1:{port}/health/live");
                return true;
            }
            catch (HttpRequestException)
            {
                return process.HasExited ? throw new InvalidOperationException("nginx exited: " + await process.StandardError.ReadToEndAsync()) : false;
            }
        }, TimeSpan.FromSeconds(30), "nginx to listen");
        return nginx;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
