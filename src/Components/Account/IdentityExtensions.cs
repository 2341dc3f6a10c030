using System.Threading.RateLimiting;
using BacklogPortal.Data;
using BacklogPortal.Hosting;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

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
            // A signed-in user without the role: a page visit goes to the access-denied page (itself a
            // 403); a posted form or any other method gets the 403 at once, never a redirect that a
            // client could take for success.
            cookie.Events.OnRedirectToAccessDenied = context =>
            {
                if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                {
                    context.Response.Redirect(context.RedirectUri);
                    return Task.CompletedTask;
                }
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentType = "text/plain; charset=utf-8";
                return context.Response.WriteAsync("This action is not available to your account.");
            };
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
        services.AddHttpContextAccessor();
        services.AddSingleton<AccountEmailThrottle>();
        services.AddOptions<AccountEmailLimitOptions>()
            .BindConfiguration(AccountEmailLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddValidatedOptions<SignInRateLimitOptions>(SignInRateLimitOptions.SectionName);
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
        IdentityStore.Configure(options);
        options.SignIn.RequireConfirmedAccount = true;
        options.User.RequireUniqueEmail = true;
        options.Lockout.AllowedForNewUsers = true;
        options.Lockout.MaxFailedAccessAttempts = 5;
        options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
        options.Password.RequiredLength = 8;
    }
}
