using System.Globalization;
using BacklogPortal.Data;

namespace BacklogPortal.Integration;

/// <summary>The handlers of <c>/api/v1/customers</c> (routes in <see cref="ApiRoutes"/>): customers by the ERP's customer number, and their open lines for reconciliation.</summary>
public static class CustomerEndpoints
{
    [EndpointName("PutCustomer"), EndpointSummary("Create or update a customer")]
    [EndpointDescription("Upsert by customer number. Omitted optional members keep their value (new customers: culture en-US, time zone UTC); an empty notificationEmail clears it, so emails go to the customer's portal users.")]
    internal static Task<IResult> PutAsync(string customerNumber, HttpContext http, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken) =>
        ApiJson.HandleAsync(http, (CustomerBody body, FieldErrors errors) => Check(customerNumber, body, errors), async values =>
        {
            // Run whole again on a transient SQL Server fault (Data/UnitsOfWork). The upsert is by customer number: a run
            // after a commit whose answer was lost finds the customer as the first left it and writes the same values again.
            var (saved, created) = await dbFactory.RunWithRetriesAsync(async () =>
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var existing = await db.Customers.SingleOrDefaultAsync(c => c.Number == values.Number, cancellationToken);
                var isNew = existing is null;
                var customer = existing ?? db.Customers.Add(new Customer { Number = values.Number, Name = values.Name }).Entity;
                customer.Name = values.Name;
                if (values.EmailGiven)
                {
                    customer.NotificationEmail = values.Email;
                }
                customer.Culture = values.Culture ?? customer.Culture;
                customer.TimeZoneId = values.TimeZone ?? customer.TimeZoneId;
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(CancellationToken.None);
                return (customer, isNew);
            }, cancellationToken: cancellationToken);

            var resource = new CustomerResource(saved.Number, saved.Name, saved.NotificationEmail, saved.Culture, saved.TimeZoneId);
            return created ? TypedResults.Created($"/api/v1/customers/{Uri.EscapeDataString(saved.Number)}", resource) : TypedResults.Ok(resource);
        });

    /// <summary>The upsert's values, every field error added to <paramref name="errors"/>. An empty notificationEmail (given, but blank) clears it.</summary>
    private static (string Number, string Name, bool EmailGiven, string? Email, string? Culture, string? TimeZone) Check(
        string customerNumber, CustomerBody body, FieldErrors errors)
    {
        var number = errors.Text("customerNumber", customerNumber, Customer.MaxNumberLength, required: true);
        var name = errors.Text("name", body.Name, Customer.MaxNameLength, required: true);
        var email = errors.Text("notificationEmail", body.NotificationEmail, Customer.MaxNotificationEmailLength);
        if (email is not null && !errors.Has("notificationEmail") && !new EmailAddressAttribute().IsValid(email))
        {
            errors.Add("notificationEmail", "Not an email address.");
        }
        var culture = errors.Text("culture", body.Culture, Customer.MaxCultureLength);
        if (culture is not null && !errors.Has("culture") && !IsCulture(culture))
        {
            errors.Add("culture", "Unknown culture: use a BCP 47 name such as en-US or de-DE.");
        }
        var timeZone = errors.Text("timeZone", body.TimeZone, Customer.MaxTimeZoneIdLength);
        if (timeZone is not null && !errors.Has("timeZone") && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
        {
            errors.Add("timeZone", "Unknown time zone: use an IANA id such as Europe/Berlin or America/New_York.");
        }
        // Null only when a required field failed, and then the values are not used.
        return (number!, name!, body.NotificationEmail is not null, email, culture, timeZone);
    }

    [EndpointName("GetOpenLines"), EndpointSummary("The customer's open lines, keyset-paged")]
    [EndpointDescription("Every open or partly shipped line of the customer in a stable order. Pass nextCursor as cursor until it is null.")]
    internal static async Task<IResult> GetOpenLinesAsync(
        string customerNumber, string? cursor, string? limit, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var after = 0;
        if (!string.IsNullOrEmpty(cursor) && (!int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 0))
        {
            errors.Add("cursor", "Not a cursor: pass nextCursor from the previous page, or nothing for the first page.");
        }
        var take = ApiQuery.Limit(limit, 200, errors);
        if (errors.Any)
        {
            return errors.ToProblem("The query has invalid parameters.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var customerId = await db.Customers.Where(c => c.Number == customerNumber).Select(c => (int?)c.Id).SingleOrDefaultAsync(cancellationToken);
        if (customerId is null)
        {
            return ApiProblems.NotFound($"There is no customer {customerNumber}.");
        }
        var lines = await db.OrderLines.AsNoTracking()
            .Where(l => l.CustomerId == customerId && l.Id > after)
            .Where(LineRules.IsOpen)
            .OrderBy(l => l.Id)
            .Take(take + 1)
            .Select(l => new
            {
                l.Id,
                Line = new OpenLineResource(l.Order!.OrderNumber, l.LineNumber, l.Product!.Sku, l.Kind, l.Status,
                    l.QuantityOrdered, l.QuantityShipped, l.QuantityCancelled, l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled,
                    l.PromisedDate, l.Eta, l.CustomerResponse),
            })
            .ToListAsync(cancellationToken);
        var page = lines.Take(take).ToList();
        var next = lines.Count > take ? page[^1].Id.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new OpenLinesPage([.. page.Select(l => l.Line)], next));
    }

    private static bool IsCulture(string name)
    {
        try
        {
            return CultureInfo.GetCultureInfo(name, predefinedOnly: true) is { Name.Length: > 0 };
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }
}

/// <summary>Query-string values, parsed by hand so that a bad one is a field error rather than a bare 400.</summary>
internal static class ApiQuery
{
    /// <summary>The most rows any list of the API returns at once.</summary>
    public const int MaxLimit = 1_000;

    public static int Limit(string? value, int fallback, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1 || limit > MaxLimit)
        {
            errors.Add("limit", $"Use a whole number from 1 to {MaxLimit}.");
            return fallback;
        }
        return limit;
    }
}
