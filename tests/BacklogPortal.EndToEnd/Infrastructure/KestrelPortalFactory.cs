using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.EndToEnd.Infrastructure;

/// <summary>
/// The real portal on a real Kestrel port (a browser cannot talk to the in-memory TestServer):
/// Development environment so static web assets are served from the build, a SQLite file in a
/// folder of its own, demo data, and email to the pickup folder (no SMTP host).
/// </summary>
internal sealed class KestrelPortalFactory : WebApplicationFactory<Program>
{
    private readonly string dataDirectory;
    private readonly IReadOnlyDictionary<string, string?> settings;

    /// <param name="settings">Applied over the defaults below (e.g. an SMTP server of the test's own).</param>
    public KestrelPortalFactory(string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null)
    {
        this.dataDirectory = dataDirectory;
        this.settings = settings ?? new Dictionary<string, string?>();
        // Port 0: the OS picks a free one, so parallel runs and a portal on 5000 do not collide.
        UseKestrel(0);
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
        builder.ConfigureAppConfiguration(config => config
            .AddInMemoryCollection(Defaults())
            .AddInMemoryCollection(settings));
    }

    private Dictionary<string, string?> Defaults() => new()
    {
        ["Database:Provider"] = "Sqlite",
        ["ConnectionStrings:Portal"] = "",
        ["Portal:DataDirectory"] = dataDirectory,
        ["Demo:Seed"] = "true",
        // Overrides a developer's user secrets: the tests never send real email.
        ["Email:Smtp:Host"] = "",
        ["Email:PickupDirectory"] = "",
        // Every test signs in from the same address.
        ["Identity:SignInRateLimit:PermitLimit"] = "1000",
    };
}
