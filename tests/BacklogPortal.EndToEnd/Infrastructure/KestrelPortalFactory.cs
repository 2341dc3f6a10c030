using BacklogPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BacklogPortal.EndToEnd.Infrastructure;

/// <summary>
/// The real portal on a real Kestrel port (a browser cannot talk to the in-memory TestServer):
/// Development environment so static web assets are served from the build, a SQLite file in a
/// folder of its own, demo data, and email over SMTP to an in-process server with a short coalescing
/// window, so that a test can follow an email's link back into the portal.
/// </summary>
internal sealed class KestrelPortalFactory : WebApplicationFactory<Program>
{
    /// <summary>Long enough to coalesce one click's changes, short enough for a test to wait for the email.</summary>
    public static readonly TimeSpan CoalesceWindow = TimeSpan.FromSeconds(1);

    private readonly string dataDirectory;
    private readonly int smtpPort;
    private readonly int port;
    private readonly ServerLog log;

    public KestrelPortalFactory(string dataDirectory, int smtpPort, ServerLog log)
    {
        this.log = log;
        this.dataDirectory = dataDirectory;
        this.smtpPort = smtpPort;
        // A free port known before the start, so that Portal:PublicBaseUrl (the links in emails) points at this portal.
        port = TestSmtpServer.FreeTcpPort();
        UseKestrel(port);
    }

    /// <summary>Where Kestrel listens, e.g. http://127.0.0.1:41234/. Valid after <see cref="WebApplicationFactory{T}.StartServer"/>.</summary>
    public Uri BaseAddress
    {
        get
        {
            var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
            var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal))
                ?? throw new InvalidOperationException($"Kestrel listens on no http address ({string.Join(", ", addresses)}).");
            return new Uri(address.EndsWith('/') ? address : address + "/");
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureLogging(logging => logging.AddProvider(log));
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Portal"] = "",
            ["Portal:DataDirectory"] = dataDirectory,
            ["Demo:Seed"] = "true",
            ["Portal:PublicBaseUrl"] = $"http://127.0.0.1:{port}",
            // Overrides a developer's user secrets: the tests never send real email.
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
            ["Email:Smtp:UserName"] = "",
            ["Notifications:CoalesceWindow"] = CoalesceWindow.ToString(),
            // Every test signs in from the same address.
            ["Identity:SignInRateLimit:PermitLimit"] = "1000",
        }));
    }
}
