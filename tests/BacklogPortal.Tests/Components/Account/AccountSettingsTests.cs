using System.Net;
using BacklogPortal.Tests.Infrastructure;

namespace BacklogPortal.Tests.Components.Account;

/// <summary>The account settings pages change what they say they change.</summary>
public sealed class AccountSettingsTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task ChangingThePasswordNeedsTheCurrentOne()
    {
        var email = AccountForms.UniqueEmail("change-password");
        await factory.CreateUserAsync(email, emailConfirmed: true);
        var client = factory.CreatePortalClient();
        await client.SignInAsync(email, AccountForms.StrongPassword);
        const string newPassword = "Backl0g-Is-Shrinking!";

        var wrongCurrent = await client.SubmitAsync("/Account/Manage/ChangePassword", "change-password", new Dictionary<string, string>
        {
            ["Input.OldPassword"] = "Not-The-Current-1!",
            ["Input.NewPassword"] = newPassword,
            ["Input.ConfirmPassword"] = newPassword,
        });
        var changed = await client.SubmitAsync("/Account/Manage/ChangePassword", "change-password", new Dictionary<string, string>
        {
            ["Input.OldPassword"] = AccountForms.StrongPassword,
            ["Input.NewPassword"] = newPassword,
            ["Input.ConfirmPassword"] = newPassword,
        });

        Assert.Contains("Your current password is not correct.", await wrongCurrent.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Contains("Your password has been changed.", await client.GetStringAsync(changed.LocationPath()));
        await factory.CreatePortalClient().SignInAsync(email, newPassword);
    }

    [Fact]
    public async Task TheStatusMessageCookieIsHttpOnlyWhenSetAndWhenDeleted()
    {
        var email = AccountForms.UniqueEmail("status");
        await factory.CreateUserAsync(email, emailConfirmed: true);
        var client = factory.CreatePortalClient();
        await client.SignInAsync(email, AccountForms.StrongPassword);

        var saved = await client.SubmitAsync("/Account/Manage", "profile", new Dictionary<string, string> { ["Input.DisplayName"] = "Stan Status" });
        var shown = await client.GetAsync("/Account/Manage");

        var set = Assert.Single(saved.Headers.GetValues("Set-Cookie"), c => c.StartsWith("Identity.StatusMessage=", StringComparison.Ordinal));
        var deleted = Assert.Single(shown.Headers.GetValues("Set-Cookie"), c => c.StartsWith("Identity.StatusMessage=;", StringComparison.Ordinal));
        Assert.Contains("httponly", set, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", deleted, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Your profile has been saved.", await shown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NameSavedOnTheProfileIsShownInTheTopBar()
    {
        var email = AccountForms.UniqueEmail("profile");
        await factory.CreateUserAsync(email, emailConfirmed: true);
        var client = factory.CreatePortalClient();
        await client.SignInAsync(email, AccountForms.StrongPassword);

        var saved = await client.SubmitAsync("/Account/Manage", "profile", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Priya Profile",
            ["Input.PhoneNumber"] = "+1 555 0100",
        });

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var page = await client.GetStringAsync("/Account/Manage");
        Assert.Contains("<span class=\"acct-user\" title=\"" + email + "\">Priya Profile</span>", page);
        Assert.Equal("Priya Profile", await factory.WithUserAsync(email, (_, user) => Task.FromResult(user.DisplayName)));
        Assert.Contains("Awaiting link", page);
    }

    [Fact]
    public async Task ClosingTheAccountDeletesTheUserAndSignsOut()
    {
        var email = AccountForms.UniqueEmail("close");
        await factory.CreateUserAsync(email, emailConfirmed: true);
        var client = factory.CreatePortalClient();
        await client.SignInAsync(email, AccountForms.StrongPassword);

        var wrongPassword = await client.SubmitAsync("/Account/Manage/DeletePersonalData", "delete-user",
            new Dictionary<string, string> { ["Input.Password"] = "Wrong-Passw0rd!" });
        Assert.Contains("The password is not correct.", await wrongPassword.Content.ReadAsStringAsync());

        var closed = await client.SubmitAsync("/Account/Manage/DeletePersonalData", "delete-user",
            new Dictionary<string, string> { ["Input.Password"] = AccountForms.StrongPassword });

        Assert.Equal(HttpStatusCode.Redirect, closed.StatusCode);
        Assert.Equal("/Account/Login", closed.LocationPath());
        Assert.Contains("Your account has been closed", await client.GetStringAsync("/Account/Login"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => factory.WithUserAsync(email, (_, user) => Task.FromResult(user.Id)));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/Account/Manage")).StatusCode);
    }
}
