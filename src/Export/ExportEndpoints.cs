using BacklogPortal.Backlog;
using BacklogPortal.Components.Account;

namespace BacklogPortal.Export;

public static class ExportExtensions
{
    public static IHostApplicationBuilder AddExport(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BacklogCsvExport>();
        return builder;
    }

    /// <summary>
    /// <c>GET /backlog/export.csv</c> with the query string of <c>/backlog</c> (<c>q, kind, overdue, decision, sort</c>;
    /// <c>page</c> and <c>size</c> are ignored: the file holds every matching line).
    /// </summary>
    public static IEndpointRouteBuilder MapExport(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/backlog/export.csv", async (HttpContext context, BacklogCsvExport export, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            if (context.User.GetCustomerId() is not { } customerId)
            {
                return Results.Forbid();
            }
            var view = BacklogView.FromQuery(context.Request.Query);
            var fileName = BacklogCsvExport.FileName(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
            return Results.Stream(stream => export.WriteAsync(customerId, view, stream, cancellationToken), "text/csv; charset=utf-8", fileName);
        })
            .RequireAuthorization(Policies.Customer);
        return endpoints;
    }
}
