using BacklogPortal.Domain;
using BacklogPortal.Notifications;
using BacklogPortal.Notifications.Templates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BacklogPortal.Tests.Notifications;

/// <summary>One customer whose email cannot be built does not hold up the others.</summary>
public sealed class ComposerIsolationTests(ComposerIsolationTests.BrokenRendererFactory factory) : IClassFixture<ComposerIsolationTests.BrokenRendererFactory>
{
    /// <summary>The real renderer, except that it fails for one customer: the fault a bad template or bad data causes.</summary>
    public sealed class BrokenRendererFactory : NotificationAppFactory
    {
        public const string BrokenMarker = "broken-renderer";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<NotificationEmailRenderer, FailingRenderer>());
        }

        private sealed class FailingRenderer(IServiceScopeFactory scopes, ILoggerFactory loggers) : NotificationEmailRenderer(scopes, loggers)
        {
            public override Task<RenderedEmail> RenderAsync(EmailContent content, string messageIdHost) =>
                content.Orders.Any(o => o.Lines.Any(l => l.ProductName.Contains(BrokenMarker, StringComparison.Ordinal)))
                    ? throw new FormatException("A template could not format this line.")
                    : base.RenderAsync(content, messageIdHost);
        }
    }

    [Fact]
    public async Task ACustomerWhoseEmailCannotBeBuiltIsMarkedFailedAndTheRestGoOut()
    {
        var before = await factory.CreateCustomerAsync(lines: 1);
        var broken = await factory.CreateCustomerAsync(lines: 1);
        var after = await factory.CreateCustomerAsync(lines: 1);
        await using (var db = await factory.CreateDbContextAsync())
        {
            var productId = db.OrderLines.Where(l => l.Id == broken.Lines[0].Id).Select(l => l.ProductId).Single();
            var product = await db.Products.FindAsync(productId);
            product!.Name += " " + BrokenRendererFactory.BrokenMarker;
            await db.SaveChangesAsync();
        }
        foreach (var customer in new[] { before, broken, after })
        {
            await factory.ChangeEtaAsync(customer.Lines[0].Id, customer.Lines[0].Eta!.Value.AddDays(5));
        }
        factory.PassCoalesceWindow();

        var composed = await factory.Composer.ComposeDueAsync();
        await factory.Dispatcher.DispatchDueAsync();

        Assert.False(composed.MoreDue);
        var failed = Assert.Single(await factory.NotificationsForAsync(broken.Id));
        Assert.Equal(NotificationStatus.Failed, failed.Status);
        Assert.StartsWith(NotificationComposer.NotComposedError + ": FormatException: A template could not format this line.", failed.LastError);
        Assert.Single(factory.Smtp.MessagesTo(before.Email));
        Assert.Single(factory.Smtp.MessagesTo(after.Email));
        Assert.Empty(factory.Smtp.MessagesTo(broken.Email));
        // The broken customer's entries are settled: the next poll does not try (and fail) them again.
        Assert.All(await factory.OutboxForAsync(broken.Id), e => Assert.Equal(failed.Id, e.NotificationId));
        Assert.Equal(0, (await factory.Composer.ComposeDueAsync()).Notifications);
        // Staff see why on the notifications log.
        var log = await factory.Services.GetRequiredService<NotificationLog>().GetPageAsync(new NotificationLogQuery(0, 10, NotificationStatus.Failed, broken.Name));
        Assert.Contains("could not be composed", Assert.Single(log.Items).LastError);
    }
}
