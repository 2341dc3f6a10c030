using System.Globalization;
using System.Net;
using System.Resources;

namespace BacklogPortal.Components.Account;

// AccountEmailTexts comes first in this file: the SDK names the .resx files beside it after the first type here.

/// <summary>
/// The wording of account emails: the language of the user's customer when there is one, English otherwise (staff,
/// a registration not yet linked to a customer). The words are in <c>AccountEmailTexts.resx</c> (English) and
/// <c>AccountEmailTexts.de.resx</c> (German), keyed by the English text as every page's are
/// (docs/decisions/012-portal-language.md); a language without its own file reads English.
/// </summary>
internal sealed class AccountEmailTexts
{
    // A ResourceManager rather than IStringLocalizer: the email is worded in the recipient's culture, which is not the
    // culture of the request (an administrator's, for an invitation) that sends it.
    private static readonly ResourceManager Resources = new(typeof(AccountEmailTexts));

    private readonly CultureInfo culture;

    private AccountEmailTexts(CultureInfo culture) => this.culture = culture;

    public static AccountEmailTexts For(CultureInfo culture) => new(culture);

    public string Greeting(string? name) => string.IsNullOrWhiteSpace(name) ? T("Hello,") : T("Hello {0},", name.Trim());

    public AccountEmailText ConfirmAddress(string? name, string encodedLink) => Email(name,
        "Confirm your BacklogPortal email address",
        T("Please confirm your email address to finish setting up your BacklogPortal account."),
        "Confirm email address", encodedLink);

    public AccountEmailText ResetPassword(string? name, string encodedLink) => Email(name,
        "Reset your BacklogPortal password",
        T("Someone (hopefully you) asked to reset the password of your BacklogPortal account. If it was not you, ignore this email."),
        "Reset password", encodedLink);

    /// <param name="customerName">The customer the invited person will see the orders of; null: invited as staff.</param>
    public AccountEmailText Invitation(string? name, string? customerName, string encodedLink) => Email(name,
        "You are invited to BacklogPortal",
        (customerName is null
            ? T("You have been given access to BacklogPortal as staff.")
            : T("You have been given access to BacklogPortal for {0}.", WebUtility.HtmlEncode(customerName)))
        + " " + T("Choose your password to sign in. The link works once and expires; ask us for a new invitation if it has."),
        "Choose your password", encodedLink);

    public AccountEmailText ResetCode(string? name, string code) => Email(name,
        "Your BacklogPortal password reset code",
        T("Use this code to reset your password: {0}", WebUtility.HtmlEncode(code)),
        action: null, encodedLink: null);

    public AccountEmailText AccountExists(string? name, string encodedSignInLink, string encodedResetLink) => Email(name,
        "Your BacklogPortal account",
        T("Someone (hopefully you) tried to create a BacklogPortal account with this address, which has an account already. If it was you, sign in with your password, or <a href=\"{0}\">reset the password</a> if you have forgotten it. If it was not you, ignore this email.", encodedResetLink),
        "Sign in", encodedSignInLink);

    /// <param name="subject">English; translated here.</param>
    /// <param name="introHtml">Already translated (it may hold formatted values).</param>
    /// <param name="action">English; translated here.</param>
    private AccountEmailText Email(string? name, string subject, string introHtml, string? action, string? encodedLink) =>
        new(T(subject), Greeting(name), introHtml, action is null ? null : T(action), encodedLink, T("Or open this address:"));

    // The key is the English text, so a sentence missing from a language's file reads in English rather than as a key.
    private string T(string english) => Resources.GetString(english, culture) ?? english;

    private string T(string english, string value) => string.Format(culture, T(english), value);
}

/// <summary>One account email, decided: HTML-safe intro, the button's words and where it leads.</summary>
/// <param name="IntroHtml">Already HTML-encoded where it holds user data.</param>
/// <param name="EncodedLink">The link HTML-encoded (as Identity hands it over); null: no button.</param>
internal sealed record AccountEmailText(string Subject, string Greeting, string IntroHtml, string? Action, string? EncodedLink, string OrOpen);
