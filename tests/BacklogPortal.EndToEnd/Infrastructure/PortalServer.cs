using System.Reflection;
using BacklogPortal.Data;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.EndToEnd.Infrastructure;

/// <summary>
/// One running portal and one headless Debian Chromium, shared by every end-to-end test (starting
/// either takes seconds). Each test gets its own browser context, so cookies never leak between tests.
/// </summary>
public sealed class PortalServer : IAsyncLifetime
{
    /// <summary>Debian's package; Playwright's own browser download is never used (no network but package registries).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ];

    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "backlogportal-e2e", Guid.NewGuid().ToString("n"));
    private KestrelPortalFactory? factory;
    private TestSmtpServer? smtp;
    private IPlaywright? playwright;
    private IBrowser? browser;

    public Uri BaseAddress { get; private set; } = default!;

    public IBrowser Browser => browser ?? throw new InvalidOperationException("The browser has not started.");

    /// <summary>The SMTP server the portal sends every email to.</summary>
    public TestSmtpServer Smtp => smtp ?? throw new InvalidOperationException("The SMTP server has not started.");

    /// <summary>The portal's warnings and errors, for a failed test's evidence.</summary>
    public ServerLog Log { get; } = new();

    public IServiceProvider Services => factory?.Services ?? throw new InvalidOperationException("The portal has not started.");

    /// <summary>Failure screenshots and logs: TestResults/ beside the test project.</summary>
    public static string ArtifactsDirectory { get; } = Path.Combine(
        typeof(PortalServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ProjectDirectory")?.Value ?? AppContext.BaseDirectory,
        "TestResults");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing. Run scripts/test.sh (it installs Debian's chromium) or `apt-get install -y chromium`.");
        }

        Directory.CreateDirectory(dataDirectory);
        smtp = new TestSmtpServer();
        factory = new KestrelPortalFactory(dataDirectory, smtp.Port, Log);
        factory.StartServer();
        BaseAddress = factory.BaseAddress;

        // Playwright's expectations poll; a shared 2-core machine needs more than the 5 s default.
        SetDefaultExpectTimeout(20_000);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>The order numbers of a customer, read straight from the database the portal uses.</summary>
    public async Task<IReadOnlyList<string>> OrderNumbersOfAsync(string customerName)
    {
        var dbFactory = Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Orders
            .Where(o => o.Customer!.Name == customerName)
            .Select(o => o.OrderNumber)
            .ToListAsync();
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }
        playwright?.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }
        if (smtp is not null)
        {
            await smtp.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open; the OS cleans its temp folder.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalServer>
{
    public const string Name = "Portal";
}
