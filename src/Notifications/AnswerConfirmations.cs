using System.Net;
using BacklogPortal.Data;
using BacklogPortal.Hosting;
using BacklogPortal.Notifications.Templates;

namespace BacklogPortal.Notifications;

/// <summary>
/// The short email that confirms a customer's answer to a delay (accept or cancel), written inside the
/// answer's own transaction, so it exists exactly when the answer does. It goes to the customer's
/// notification recipients, in their language and time zone, and states only dates that are known.
/// </summary>
public sealed class AnswerConfirmations(EmailQueue queue, IOptions<PortalOptions> portal)
{
    private readonly PortalLinks links = new(portal.Value.PublicBaseUrl);

    /// <summary>Adds the confirmation to <paramref name="db"/>'s transaction; call <see cref="WakeDispatcher"/> after the commit.</summary>
    public async Task AddAsync(PortalDbContext db, CustomerAnswer answer, int quantityOpen, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == answer.CustomerId, cancellationToken);
        var line = await db.OrderLines.AsNoTracking().Where(l => l.Id == answer.OrderLineId)
            .Select(l => new { l.Order!.OrderNumber, l.Product!.Sku, l.Product.Name })
            .SingleAsync(cancellationToken);
        var addresses = await NotificationAudience.AddressesAsync(db, [customer.Id], cancellationToken);
        var to = NotificationAudience.Recipients(customer, addresses[customer.Id]);
        var names = await NotificationComposer.RecipientNamesAsync(db, [customer.Id], cancellationToken);
        var culture = CustomerLocale.CultureFor(customer.Culture);
        var zone = CustomerLocale.ZoneFor(customer.TimeZoneId);
        var texts = EmailTexts.For(culture);
        var eta = answer.AnsweredEta is { } known ? DateFormat.Long(known, culture, texts.NotYetKnown) : null;

        var greeting = texts.Greeting(NotificationComposer.RecipientName(to, names));
        var recorded = texts.AnswerRecorded(answer.Response, line.Name, line.Sku, line.OrderNumber, quantityOpen, eta);
        var by = texts.AnsweredBy(answer.AnsweredBy, DateFormat.LongInstant(answer.AnsweredAt, zone, culture));
        var orderUrl = links.Order(line.OrderNumber);
        var subject = texts.AnswerSubject(answer.Response, line.OrderNumber);
        var text = $"{greeting}\r\n\r\n{recorded}\r\n{by}\r\n\r\n{texts.ViewOrder}: {orderUrl}\r\n";
        var html = $"""
            <!DOCTYPE html>
            <html lang="{texts.LanguageTag}"><head><meta charset="utf-8" /><title>{WebUtility.HtmlEncode(subject)}</title></head>
            <body style="margin:0;padding:24px 12px;background:#f3f4f6;">
              <div style="max-width:640px;margin:auto;background:#ffffff;border-radius:8px;font-family:'Segoe UI',Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2933;">
                <div style="padding:18px 24px;background:#1e3a5f;color:#ffffff;border-radius:8px 8px 0 0;font-size:18px;font-weight:600;">BacklogPortal</div>
                <div style="padding:24px;">
                  <p style="margin:0 0 12px;">{WebUtility.HtmlEncode(greeting)}</p>
                  <p style="margin:0 0 8px;">{WebUtility.HtmlEncode(recorded)}</p>
                  <p style="margin:0 0 16px;font-size:13px;color:#6b7280;">{WebUtility.HtmlEncode(by)}</p>
                  <a href="{WebUtility.HtmlEncode(orderUrl)}" style="display:inline-block;padding:10px 18px;background:#1e3a5f;color:#ffffff;border-radius:4px;text-decoration:none;">{WebUtility.HtmlEncode(texts.ViewOrder)}</a>
                </div>
              </div>
            </body></html>
            """;
        var confirmation = await queue.AddAsync(db, new OutgoingEmail(NotificationKind.AnswerConfirmation, customer.Id, to, subject, html, text), answer.AnsweredAt, cancellationToken);
        // The answer row is tracked by the caller's context: this links it to its email in the same transaction.
        answer.ConfirmationNotificationId = confirmation.Id;
        await db.SaveChangesAsync(cancellationToken);
    }

    public void WakeDispatcher() => queue.WakeDispatcher();
}
