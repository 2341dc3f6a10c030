using System.Security.Claims;
using System.Threading.RateLimiting;
using BacklogPortal.Data;
using BacklogPortal.Domain;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BacklogPortal.Components.Account;

public static class IdentityExtensions
{
    public const string SignInRateLimitPolicy = "sign-in";

    /// <summary>
    /// ASP.NET Core Identity with roles, lockout, confirmed accounts, the portal's claims (which
    /// customer a user belongs to) and account emails through the real email sender.
    /// </summary>
    public static IHostApplicationBuilder AddPortalIdentity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/Account/Login";
            cookie.AccessDeniedPath = "/Account/AccessDenied";
            cookie.Cookie.Name = "BacklogPortal.Auth";
        });
        // How long a disabled or changed account may keep using a cookie or a live circuit: every
        // request re-reads the user's security stamp after this long, and so does every circuit.
        services.AddOptions<SecurityStampValidatorOptions>()
            .Configure(stamp => stamp.ValidationInterval = TimeSpan.FromMinutes(1))
            .BindConfiguration("Identity:SecurityStamp");
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Customer, policy => policy.RequireRole(Roles.Customer).RequireClaim(PortalClaims.CustomerId))
            .AddPolicy(Policies.Staff, policy => policy.RequireRole(Roles.Staff, Roles.Admin))
            .AddPolicy(Policies.Admin, policy => policy.RequireRole(Roles.Admin));

        services.AddIdentityCore<ApplicationUser>(IdentitySetup.Configure)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<PortalClaimsPrincipalFactory>();

        services.AddSingleton<IdentityEmailSender>();
        services.AddSingleton<IEmailSender<ApplicationUser>>(provider => provider.GetRequiredService<IdentityEmailSender>());
        services.AddScoped<AccountEmails>();

        services.AddOptions<SignInRateLimitOptions>()
            .BindConfiguration(SignInRateLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Only the sign-in form post is limited, per client address: a password-guessing
            // script is slowed down long before account lockout matters to the real user.
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!HttpMethods.IsPost(context.Request.Method)
                    || !context.Request.Path.StartsWithSegments("/Account/Login", StringComparison.OrdinalIgnoreCase))
                {
                    return RateLimitPartition.GetNoLimiter(string.Empty);
                }
                var settings = context.RequestServices.GetRequiredService<IOptions<SignInRateLimitOptions>>().Value;
                var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = settings.PermitLimit,
                    Window = settings.Window,
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? retryAfter
                    : http.RequestServices.GetRequiredService<IOptions<SignInRateLimitOptions>>().Value.Window;
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
                // A person in a browser gets the product's page; scripts and tools get one line of text.
                if (http.Request.GetTypedHeaders().Accept.Any(type => type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)))
                {
                    var page = new RazorComponentResult<Shared.TooManySignInAttempts>(new { Minutes = minutes })
                    {
                        StatusCode = StatusCodes.Status429TooManyRequests,
                    };
                    await page.ExecuteAsync(http);
                    return;
                }
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync(Shared.TooManySignInAttempts.PlainText(minutes), cancellationToken);
            };
        });
        return builder;
    }
}

public static class IdentitySetup
{
    public static void Configure(IdentityOptions options)
    {
        ConfigureStore(options);
        options.SignIn.RequireConfirmedAccount = true;
        options.User.RequireUniqueEmail = true;
        options.Lockout.AllowedForNewUsers = true;
        options.Lockout.MaxFailedAccessAttempts = 5;
        options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
        options.Password.RequiredLength = 8;
    }

    /// <summary>The store settings that shape the database; shared with the EF design-time factories.</summary>
    public static void ConfigureStore(IdentityOptions options) =>
        options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
}

public static class Policies
{
    public const string Customer = "Customer";
    public const string Staff = "Staff";
    public const string Admin = "Admin";
}

public static class PortalClaims
{
    /// <summary>The customer account a customer user belongs to; the only source of scoping for customer queries.</summary>
    public const string CustomerId = "backlogportal:customer_id";

    public const string DisplayName = "backlogportal:display_name";

    public static int? GetCustomerId(this ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(CustomerId), out var id) ? id : null;

    public static string GetDisplayName(this ClaimsPrincipal user) =>
        user.FindFirstValue(DisplayName) ?? user.Identity?.Name ?? "";
}

internal sealed class PortalClaimsPrincipalFactory(
    UserManager<ApplicationUser> userManager,
    RoleManager<IdentityRole> roleManager,
    IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.CustomerId is { } customerId)
        {
            identity.AddClaim(new Claim(PortalClaims.CustomerId, customerId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (!string.IsNullOrWhiteSpace(user.DisplayName))
        {
            identity.AddClaim(new Claim(PortalClaims.DisplayName, user.DisplayName));
        }
        return identity;
    }
}

public sealed class SignInRateLimitOptions
{
    public const string SectionName = "Identity:SignInRateLimit";

    /// <summary>Sign-in form posts allowed per client address and window.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int PermitLimit { get; set; } = 10;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
