using System.Text;

namespace BacklogPortal.Notifications.Templates;

/// <summary>
/// The text/plain part: the same content as the HTML part for clients and people that read plain
/// text. Short lines, links on lines of their own so they stay clickable.
/// </summary>
public static class PlainTextEmail
{
    public static string Write(EmailContent content, EmailTexts texts)
    {
        var text = new StringBuilder();
        text.AppendLine(texts.Greeting(content.RecipientName)).AppendLine();
        text.AppendLine(texts.IntroText(content));
        text.AppendLine(texts.AsOf($"{DateFormat.LongInstant(content.ComposedAt, content.TimeZone, content.Culture)} ({content.TimeZone.Id})"));

        foreach (var order in content.Orders)
        {
            text.AppendLine().AppendLine(texts.Order(order.OrderNumber).ToUpperInvariant());
            text.Append(texts.ViewOrder).Append(": ").AppendLine(order.OrderUrl);
            foreach (var line in order.Lines)
            {
                text.AppendLine();
                text.Append("* ").Append(line.ProductName).Append(" (").Append(line.Sku).Append("), ").AppendLine(texts.Quantity(line.QuantityOpen));
                if (!line.HasDateNews)
                {
                    if (line.QuantityOpen > 0)
                    {
                        text.Append("  ").Append(texts.RemainderExpected).Append(": ").AppendLine(DateFormat.Long(line.NewEta, content.Culture, texts.NotYetKnown));
                    }
                    WriteFulfilment(text, line, content, texts);
                    continue;
                }
                if (line.PromisedDate is { } promised)
                {
                    text.Append("  ").Append(texts.Promised).Append(": ").AppendLine(DateFormat.Long(promised, content.Culture, texts.NotYetKnown));
                }
                text.Append("  ").Append(texts.PreviouslyExpected).Append(": ").AppendLine(DateFormat.Long(line.OldEta, content.Culture, texts.NotYetKnown));
                if (line.News != LineNews.Overdue)
                {
                    text.Append("  ").Append(texts.NowExpected).Append(": ").AppendLine(DateFormat.Long(line.NewEta, content.Culture, texts.NotYetKnown));
                }
                text.Append("  ").AppendLine(texts.News(line));
                if (line.ReasonCode is { } reason)
                {
                    text.Append("  ").Append(texts.Reason).Append(": ").AppendLine(texts.ReasonPhrase(reason, line.ReasonText));
                }
                if (line.ConsentNeeded)
                {
                    text.Append("  ").AppendLine(texts.ConsentNeeded(line));
                    text.Append("  ").Append(texts.AcceptNewDate(line)).Append(": ").AppendLine(line.AcceptUrl);
                    text.Append("  ").Append(texts.CancelOpenQuantity).Append(": ").AppendLine(line.CancelUrl);
                }
                else if (line.IsDelay)
                {
                    text.Append("  ").AppendLine(texts.NoActionNeeded(line));
                    text.Append("  ").Append(texts.CancelOpenQuantity).Append(": ").AppendLine(line.CancelUrl);
                }
                WriteFulfilment(text, line, content, texts);
            }
        }

        if (content.UnlistedLines > 0)
        {
            text.AppendLine().AppendLine(texts.MoreLines(content.UnlistedLines)).AppendLine(content.PortalUrl);
        }

        text.AppendLine().AppendLine(texts.WhatHappensNext.ToUpperInvariant());
        text.AppendLine(texts.NextUpdate(content));
        if (content.NextDigestAt is { } nextDigest)
        {
            text.AppendLine(texts.NextDigest(DateFormat.LongInstant(nextDigest, content.TimeZone, content.Culture), content.TimeZone.Id));
        }
        text.AppendLine().Append(texts.OpenPortal).Append(": ").AppendLine(content.PortalUrl);
        text.AppendLine().AppendLine("--");
        text.AppendLine(texts.SettingsHint(content.Preference));
        text.Append(texts.NotificationSettings).Append(": ").AppendLine(content.SettingsUrl);
        return text.ToString().ReplaceLineEndings("\r\n");
    }

    private static void WriteFulfilment(StringBuilder text, EmailLine line, EmailContent content, EmailTexts texts)
    {
        foreach (var shipment in line.Shipments)
        {
            text.Append("  ").AppendLine(texts.Shipped(shipment.Quantity, DateFormat.Long(shipment.ShippedOn, content.Culture, texts.NotYetKnown)));
            if (shipment.Carrier is { } carrier)
            {
                text.Append("    ").Append(texts.Carrier).Append(": ").AppendLine(carrier);
            }
            if (shipment.TrackingNumber is { } tracking)
            {
                text.Append("    ").Append(texts.TrackingNumber).Append(": ").AppendLine(tracking);
            }
        }
        foreach (var cancellation in line.Cancellations)
        {
            text.Append("  ").AppendLine(texts.Cancelled(cancellation.Quantity));
            if (cancellation.Reason is { } reason)
            {
                text.Append("    ").Append(texts.Reason).Append(": ").AppendLine(reason.ReplaceLineEndings(" "));
            }
        }
    }
}
