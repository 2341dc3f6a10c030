using System.Globalization;
using System.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BacklogPortal.CircuitHarness;

/// <summary>
/// The server side of the harness, in a process of its own so that the browser driver's objects never count: the real
/// portal (the same <c>AddPortal()</c> / <c>UsePortal()</c>) on a Kestrel port with demo data, plus one endpoint that
/// exists only here — <c>GET /bench/heap</c> forces full, compacting collections and answers the managed heap and the
/// process's resident set.
/// </summary>
internal sealed class PortalProcess : WebApplicationFactory<Program>
{
    private readonly string dataDirectory;
    private readonly TimeSpan idleTimeout;

    public PortalProcess(string dataDirectory, int port, TimeSpan idleTimeout)
    {
        this.dataDirectory = dataDirectory;
        this.idleTimeout = idleTimeout;
        UseKestrel(port);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Quiet: nobody reads the child's output after it said "ready".
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Portal"] = "",
            ["Portal:DataDirectory"] = dataDirectory,
            ["Demo:Seed"] = "true",
            ["Email:Smtp:Host"] = "",
            ["Notifications:BackgroundProcessing"] = "false",
            ["Identity:SignInRateLimit:PermitLimit"] = "1000",
            // One user opens every tab.
            ["Portal:Circuits:PerUser"] = "1000",
            ["Portal:Circuits:PerClientAddress"] = "1000",
            ["Portal:CircuitIdleTimeout"] = idleTimeout.ToString("c", CultureInfo.InvariantCulture),
        }));
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, HeapEndpoint>());
    }

    private sealed class HeapEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map("/bench/heap", branch => branch.Run(async context =>
            {
                GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
                for (var i = 0; i < 3; i++)
                {
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                    GC.WaitForPendingFinalizers();
                }
                using var process = System.Diagnostics.Process.GetCurrentProcess();
                await context.Response.WriteAsJsonAsync(new HeapFigures(GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64));
            }));
            next(app);
        };
    }
}

internal sealed record HeapFigures(long ManagedHeapBytes, long ResidentBytes);
