using BacklogPortal.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Data.SqlServer;

/// <summary>
/// The whole portal, registered by its own <c>Program</c>, configured for SQL Server (connection string,
/// execution strategy with retries, everything <c>AddData</c> does) — with the <see cref="OfflineSqlServer"/>
/// interceptors in front of the server that is not there.
/// </summary>
public sealed class OfflineSqlServerPortal : WebApplicationFactory<Program>
{
    public OfflineSqlServerPortal()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "backlogportal-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(DataDirectory);
    }

    public OfflineSqlServer Offline { get; } = new();

    public string DataDirectory { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "SqlServer",
            ["ConnectionStrings:Portal"] = "Server=tcp:offline.invalid,1433;Database=BacklogPortal;Encrypt=True;Connect Timeout=1",
            ["Database:MigrateOnStart"] = "false",
            ["Demo:Seed"] = "false",
            ["Notifications:BackgroundProcessing"] = "false",
            ["Portal:DataDirectory"] = DataDirectory,
            ["Portal:PublicBaseUrl"] = "http://localhost",
            // No SMTP host: the dispatcher writes its emails to the pickup folder under DataDirectory.
            ["Email:Smtp:Host"] = "",
        }));
        builder.ConfigureTestServices(services =>
            services.ConfigureDbContext<SqlServerPortalDbContext>(options => options.AddInterceptors(Offline)));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // The temp folder is cleaned by the OS.
        }
    }
}
