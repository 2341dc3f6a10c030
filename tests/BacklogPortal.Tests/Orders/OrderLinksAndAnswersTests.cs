using System.Globalization;
using System.Security.Claims;
using BacklogPortal.Backlog;
using BacklogPortal.Components.Account;
using BacklogPortal.Domain;
using BacklogPortal.Staff.Lines;
using BacklogPortal.Tests.Infrastructure;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using static BacklogPortal.Tests.Orders.OrderTestData;

namespace BacklogPortal.Tests.Orders;

/// <summary>Where the order page is reached from, and where staff see the customer's answer.</summary>
public sealed class OrderLinksAndAnswersTests : PortalComponentTestContext
{
    [Fact]
    public async Task BacklogOrderNumberLinksToTheOrderPage()
    {
        Services.AddSingleton<CustomerBacklog>();
        var data = new OrderTestData(Database);
        var northwind = await data.CustomerAsync("Northwind Traders");
        var (order, _) = await data.OrderAsync(northwind, OnSchedule());
        Authorization.SetAuthorized("alice@example.com");
        Authorization.SetRoles(Roles.Customer);
        Authorization.SetClaims(new Claim(PortalClaims.CustomerId, northwind.Id.ToString(CultureInfo.InvariantCulture)));

        var page = RenderInteractive<BacklogPage>();

        page.WaitForAssertion(() => Assert.Equal($"/orders/{order.OrderNumber}", page.Find("a[data-testid=order-link]").GetAttribute("href")));
    }

    [Theory]
    [InlineData(CustomerResponse.AcceptedNewDate, "Accepted by customer")]
    [InlineData(CustomerResponse.CancelledOpenQuantity, "Cancelled by customer")]
    public void StaffSeeTheCustomersAnswerAndTheLineNoLongerAwaitsADecision(CustomerResponse response, string shown)
    {
        var line = new StaffLine(1, 2, "Northwind Traders", "C-1001", "SO-1", 1, "SKU-1", "Product", new LineState(BacklogKind.Backorder,
            10, 0, 0, Promised, Promised.AddDays(45), 2, LineStatus.Open, ConsentRequired: true, response));

        Assert.Equal(shown, StaffLineText.Answer(line));
        Assert.NotEqual("Awaiting decision", StaffLineText.Status(line, Today).Text);
    }
}
