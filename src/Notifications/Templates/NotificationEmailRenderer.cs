using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace BacklogPortal.Notifications.Templates;

/// <summary>The finished parts of one email, stored on the notification and sent as they are.</summary>
public sealed record RenderedEmail(string Subject, string HtmlBody, string TextBody, string? CalendarIcs);

/// <summary>
/// Renders notification emails: the HTML part from a Razor component through ASP.NET Core's
/// <see cref="HtmlRenderer"/> (encoding done by the renderer, not by hand), the text part and the
/// calendar file from the same <see cref="EmailContent"/>.
/// </summary>
public class NotificationEmailRenderer : IAsyncDisposable
{
    // The renderer resolves component services (some of them scoped) from a scope of its own that lives as long as it does.
    private readonly AsyncServiceScope scope;
    private readonly HtmlRenderer renderer;

    public NotificationEmailRenderer(IServiceScopeFactory scopes, ILoggerFactory loggerFactory)
    {
        scope = scopes.CreateAsyncScope();
        renderer = new HtmlRenderer(scope.ServiceProvider, loggerFactory);
    }

    /// <remarks>Virtual so that tests can make one customer's email fail to build (the composer must isolate it).</remarks>
    public virtual async Task<RenderedEmail> RenderAsync(EmailContent content, string messageIdHost)
    {
        var texts = EmailTexts.For(content.Culture);
        var subject = texts.Subject(content);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(NotificationEmailHtml.Content)] = content,
                [nameof(NotificationEmailHtml.Texts)] = texts,
                [nameof(NotificationEmailHtml.Subject)] = subject,
            });
            var output = await renderer.RenderComponentAsync<NotificationEmailHtml>(parameters);
            return output.ToHtmlString();
        });
        return new RenderedEmail(
            subject,
            "<!DOCTYPE html>\n" + html,
            PlainTextEmail.Write(content, texts),
            CalendarFile.Write(content, messageIdHost));
    }

    public async ValueTask DisposeAsync()
    {
        await renderer.DisposeAsync();
        await scope.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
