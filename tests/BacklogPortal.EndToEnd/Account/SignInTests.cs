using System.Text.RegularExpressions;
using BacklogPortal.Data.Demo;
using BacklogPortal.EndToEnd.Infrastructure;

namespace BacklogPortal.EndToEnd.Account;

public sealed class SignInTests(PortalServer server) : PortalTest(server)
{
    [Fact]
    public Task WrongPasswordShowsAnError() => InBrowserAsync(async page =>
    {
        await page.SignInAsync(DemoDataSeeder.BobEmail, "Not-The-Passw0rd!");

        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login", RegexOptions.IgnoreCase));
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new LocatorFilterOptions { HasTextRegex = new Regex(@"\w") }).First).ToBeVisibleAsync();
        await Expect(page.Locator("[id='Input.Password']")).ToBeVisibleAsync();

        // Not signed in after all: the backlog still sends the visitor to the sign-in page.
        await page.GotoAsync("backlog");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login", RegexOptions.IgnoreCase));
    });

    [Fact]
    public Task StaffSignsInAndLandsOnTheDashboard() => InBrowserAsync(async page =>
    {
        await page.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);

        await Expect(page).ToHaveURLAsync(new Regex("/staff$"));
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToBeVisibleAsync();
        // The staff workspace is in the navigation, the customer pages are not.
        await Expect(page.Locator("a.mud-nav-link[href='/staff/lines']")).ToBeVisibleAsync();
        await Expect(page.Locator("a[href='/backlog']")).ToHaveCountAsync(0);
    });
}
