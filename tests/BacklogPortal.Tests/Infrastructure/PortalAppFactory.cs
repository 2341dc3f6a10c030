using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BacklogPortal.Tests.Infrastructure;

/// <summary>
/// The whole portal in-process over real HTTP semantics: a real SQLite database file in a folder of
/// its own, the demo data seeded, and email going over SMTP to an in-process <see cref="TestSmtpServer"/>.
/// One instance per test class (xunit class fixture).
/// </summary>
public class PortalAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public PortalAppFactory()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "backlogportal-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(DataDirectory);
    }

    public string DataDirectory { get; }

    public TestSmtpServer Smtp { get; } = new();

    /// <summary>Extra settings a test class needs; applied after the defaults below.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>When true, the app's <see cref="TimeProvider"/> is <see cref="Clock"/>, which moves only when a test advances it.</summary>
    protected virtual bool UseFakeTime => false;

    /// <summary>The app's clock when <see cref="UseFakeTime"/> is on; starts at the real current time.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration(config =>
        {
            var settings = new Dictionary<string, string?>
            {
                ["Portal:DataDirectory"] = DataDirectory,
                ["Portal:PublicBaseUrl"] = "http://localhost",
                ["Demo:Seed"] = "true",
                ["Email:Smtp:Host"] = "127.0.0.1",
                ["Email:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Email:Smtp:Security"] = "None",
                // Tests sign in many times from one address; the limit itself is tested with its own setting.
                ["Identity:SignInRateLimit:PermitLimit"] = "1000",
            };
            foreach (var (key, value) in Settings)
            {
                settings[key] = value;
            }
            config.AddInMemoryCollection(settings);
        });
        if (UseFakeTime)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platforms; the temp folder is cleaned by the OS.
        }
    }
}
