using BacklogPortal.Components.Account;
using Microsoft.AspNetCore.Mvc;

namespace BacklogPortal.Calendar;

/// <summary>The .ics downloads: a line for the signed-in customer, and the personal feed, opened by its secret token alone.</summary>
public static class CalendarEndpoints
{
    public static IEndpointRouteBuilder MapCalendar(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/calendar/lines/{lineId:int}.ics", async (int lineId, HttpContext context, CustomerCalendar calendar, CancellationToken cancellationToken) =>
            context.User.GetCustomerId() is { } customerId && await calendar.LineAsync(customerId, lineId, cancellationToken) is { } file
                ? Results.File(System.Text.Encoding.UTF8.GetBytes(file.Ics), CalendarWriter.ContentType, file.FileName)
                : Results.NotFound())
            .RequireAuthorization(Policies.Customer);

        // Calendar apps poll without cookies: the token in the path is the whole credential. A revoked or unknown token is a 404,
        // the same answer as a path that never existed, so a guess learns nothing.
        endpoints.MapGet("/calendar/feed/{token}.ics", async ([FromRoute] string token, HttpContext context, CustomerCalendar calendar, CancellationToken cancellationToken) =>
        {
            if (await calendar.FeedAsync(token, cancellationToken) is not { } feed)
            {
                return Results.NotFound();
            }
            // The address is a secret: no cache between the portal and the calendar app keeps a copy, and no page it is opened from learns it.
            context.Response.Headers.CacheControl = "private, no-store";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            return Results.Text(feed.Ics, CalendarWriter.ContentType);
        })
            .AllowAnonymous();
        return endpoints;
    }
}
