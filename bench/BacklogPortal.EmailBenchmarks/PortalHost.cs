using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BacklogPortal.EmailBenchmarks;

/// <summary>
/// The portal's service graph, built in this process exactly as Program.cs builds it (the same
/// <c>AddPortal()</c>), without the request pipeline: the benchmarks resolve the real
/// dispatcher and composer from it, or start it to run the real background loops.
/// </summary>
public static class PortalHost
{
    public static WebApplication Build(string dataDirectory, int smtpPort, IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = dataDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Portal:DataDirectory"] = dataDirectory,
            ["Portal:PublicBaseUrl"] = "https://portal.bench.test",
            ["Demo:Seed"] = "false",
            ["Email:From"] = "BacklogPortal <noreply@portal.bench.test>",
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        // Errors only: a log line per dispatch round would be measured too.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        builder.AddPortal();
        return builder.Build();
    }
}
