using System.Globalization;
using System.Net;

namespace BacklogPortal.Components.Account;

/// <summary>One account email, decided: HTML-safe intro, the button's words and where it leads.</summary>
/// <param name="IntroHtml">Already HTML-encoded where it holds user data.</param>
/// <param name="EncodedLink">The link HTML-encoded (as Identity hands it over); null: no button.</param>
internal sealed record AccountEmailText(string Subject, string Greeting, string IntroHtml, string? Action, string? EncodedLink, string OrOpen);

/// <summary>
/// The wording of account emails in English and German: the language of the user's customer when
/// there is one, English otherwise (staff, a registration not yet linked to a customer).
/// </summary>
internal abstract class AccountEmailTexts
{
    public static AccountEmailTexts For(CultureInfo culture) =>
        culture.TwoLetterISOLanguageName == "de" ? German.Instance : English.Instance;

    public abstract string Greeting(string? name);

    public abstract AccountEmailText ConfirmAddress(string? name, string encodedLink);

    public abstract AccountEmailText ResetPassword(string? name, string encodedLink);

    /// <param name="customerName">The customer the invited person will see the orders of; null: invited as staff.</param>
    public abstract AccountEmailText Invitation(string? name, string? customerName, string encodedLink);

    public abstract AccountEmailText ResetCode(string? name, string code);

    public abstract AccountEmailText AccountExists(string? name, string encodedSignInLink, string encodedResetLink);

    private sealed class English : AccountEmailTexts
    {
        public static readonly English Instance = new();

        private const string OrOpen = "Or open this address:";

        public override string Greeting(string? name) => string.IsNullOrWhiteSpace(name) ? "Hello," : $"Hello {name.Trim()},";

        public override AccountEmailText ConfirmAddress(string? name, string encodedLink) => new(
            "Confirm your BacklogPortal email address", Greeting(name),
            "Please confirm your email address to finish setting up your BacklogPortal account.",
            "Confirm email address", encodedLink, OrOpen);

        public override AccountEmailText ResetPassword(string? name, string encodedLink) => new(
            "Reset your BacklogPortal password", Greeting(name),
            "Someone (hopefully you) asked to reset the password of your BacklogPortal account. If it was not you, ignore this email.",
            "Reset password", encodedLink, OrOpen);

        public override AccountEmailText Invitation(string? name, string? customerName, string encodedLink) => new(
            "You are invited to BacklogPortal", Greeting(name),
            (customerName is null ? "You have been given access to BacklogPortal as staff." : $"You have been given access to BacklogPortal for {WebUtility.HtmlEncode(customerName)}.")
            + " Choose your password to sign in. The link works once and expires; ask us for a new invitation if it has.",
            "Choose your password", encodedLink, OrOpen);

        public override AccountEmailText ResetCode(string? name, string code) => new(
            "Your BacklogPortal password reset code", Greeting(name),
            $"Use this code to reset your password: {WebUtility.HtmlEncode(code)}", null, null, OrOpen);

        public override AccountEmailText AccountExists(string? name, string encodedSignInLink, string encodedResetLink) => new(
            "Your BacklogPortal account", Greeting(name),
            "Someone (hopefully you) tried to create a BacklogPortal account with this address, which has an account already. "
            + $"If it was you, sign in with your password, or <a href=\"{encodedResetLink}\">reset the password</a> if you have forgotten it. If it was not you, ignore this email.",
            "Sign in", encodedSignInLink, OrOpen);
    }

    private sealed class German : AccountEmailTexts
    {
        public static readonly German Instance = new();

        private const string OrOpen = "Oder öffnen Sie diese Adresse:";

        public override string Greeting(string? name) => string.IsNullOrWhiteSpace(name) ? "Guten Tag," : $"Guten Tag {name.Trim()},";

        public override AccountEmailText ConfirmAddress(string? name, string encodedLink) => new(
            "Bestätigen Sie Ihre E-Mail-Adresse für BacklogPortal", Greeting(name),
            "Bitte bestätigen Sie Ihre E-Mail-Adresse, um die Einrichtung Ihres BacklogPortal-Kontos abzuschließen.",
            "E-Mail-Adresse bestätigen", encodedLink, OrOpen);

        public override AccountEmailText ResetPassword(string? name, string encodedLink) => new(
            "Ihr BacklogPortal-Passwort zurücksetzen", Greeting(name),
            "Jemand (hoffentlich Sie) hat angefordert, das Passwort Ihres BacklogPortal-Kontos zurückzusetzen. Wenn Sie es nicht waren, ignorieren Sie diese E-Mail.",
            "Passwort zurücksetzen", encodedLink, OrOpen);

        public override AccountEmailText Invitation(string? name, string? customerName, string encodedLink) => new(
            "Ihre Einladung zu BacklogPortal", Greeting(name),
            (customerName is null ? "Sie haben Zugang zu BacklogPortal als Mitarbeiter erhalten." : $"Sie haben Zugang zu BacklogPortal für {WebUtility.HtmlEncode(customerName)} erhalten.")
            + " Wählen Sie Ihr Passwort, um sich anzumelden. Der Link gilt einmal und läuft ab; fragen Sie uns nach einer neuen Einladung, falls er abgelaufen ist.",
            "Passwort wählen", encodedLink, OrOpen);

        public override AccountEmailText ResetCode(string? name, string code) => new(
            "Ihr Code zum Zurücksetzen des BacklogPortal-Passworts", Greeting(name),
            $"Mit diesem Code setzen Sie Ihr Passwort zurück: {WebUtility.HtmlEncode(code)}", null, null, OrOpen);

        public override AccountEmailText AccountExists(string? name, string encodedSignInLink, string encodedResetLink) => new(
            "Ihr BacklogPortal-Konto", Greeting(name),
            "Jemand (hoffentlich Sie) wollte mit dieser Adresse ein BacklogPortal-Konto anlegen; für sie besteht bereits ein Konto. "
            + $"Wenn Sie es waren, melden Sie sich mit Ihrem Passwort an, oder <a href=\"{encodedResetLink}\">setzen Sie das Passwort zurück</a>, falls Sie es vergessen haben. Wenn Sie es nicht waren, ignorieren Sie diese E-Mail.",
            "Anmelden", encodedSignInLink, OrOpen);
    }
}
