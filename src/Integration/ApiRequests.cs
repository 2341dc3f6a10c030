using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Json;

namespace BacklogPortal.Integration;

/// <summary>
/// Field errors of one request, keyed by the JSON path of the field (<c>lines[3].quantity</c>), in
/// the <c>errors</c> member of an RFC 9457 validation problem.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    public int Count => errors.Count;

    /// <summary>Whether <paramref name="field"/> already has an error: a later check of its value would only add noise.</summary>
    public bool Has(string field) => errors.ContainsKey(field);

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var messages))
        {
            errors[field] = messages = [];
        }
        messages.Add(message);
    }

    /// <summary>Checks a text field: present when required, trimmed length, no control characters. Returns the trimmed text.</summary>
    public string? Text(string field, string? value, int maxLength, bool required = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, "This field is required.");
            }
            return null;
        }
        var trimmed = value.Trim();
        if (PlainText.HasControlCharacter(trimmed))
        {
            Add(field, PlainText.ControlCharacterMessage);
        }
        else if (trimmed.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters are allowed; this has {trimmed.Length}.");
        }
        return trimmed;
    }

    public T? Required<T>(string field, T? value)
        where T : struct
    {
        if (value is null)
        {
            Add(field, "This field is required.");
        }
        return value;
    }

    public IDictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public IResult ToProblem(string detail = "The request has invalid fields; nothing was changed.") =>
        ApiProblems.Validation(this, detail);
}

/// <summary>The problem details (RFC 9457) every API error answers with.</summary>
public static class ApiProblems
{
    public static IResult Validation(FieldErrors errors, string detail) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), detail, title: "The request is not valid.");

    public static IResult Validation(string field, string message) => Validation(Single(field, message), message);

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found.");

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Changed meanwhile: retry.");

    private static FieldErrors Single(string field, string message)
    {
        var errors = new FieldErrors();
        errors.Add(field, message);
        return errors;
    }
}

/// <summary>
/// Reads a JSON request body with the API's serializer settings. Malformed JSON, a wrong type, an
/// unknown enum value or a missing required member becomes a 400 problem naming the field, instead
/// of an exception.
/// </summary>
public static partial class ApiJson
{
    /// <summary>
    /// A write in the order every one answers: a body that is not JSON (415 or 400), then every field error at once
    /// (400); only then <paramref name="act"/> with the values <paramref name="check"/> returned.
    /// </summary>
    public static async Task<IResult> HandleAsync<TBody, TChecked>(
        HttpContext context, Func<TBody, FieldErrors, TChecked> check, Func<TChecked, Task<IResult>> act)
        where TBody : class
    {
        var (body, problem) = await ReadAsync<TBody>(context);
        if (body is null)
        {
            return problem!;
        }
        var errors = new FieldErrors();
        var values = check(body, errors);
        return errors.Any ? errors.ToProblem() : await act(values);
    }

    public static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpContext context)
        where T : class
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem("Send the body as JSON with Content-Type: application/json.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type."));
        }
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, options, context.RequestAborted);
            return body is null ? (null, ApiProblems.Validation("$", "A JSON object is required.")) : (body, null);
        }
        catch (JsonException ex)
        {
            var (field, message) = Describe(ex);
            return (null, ApiProblems.Validation(field, message));
        }
    }

    private static (string Field, string Message) Describe(JsonException ex)
    {
        var missing = MissingMember().Match(ex.Message);
        if (missing.Success)
        {
            var parent = FieldOf(ex.Path);
            var member = missing.Groups["name"].Value;
            return (parent.Length == 0 ? member : $"{parent}.{member}", "This field is required (null is allowed where it has a meaning).");
        }
        var field = FieldOf(ex.Path);
        if (!ex.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            // A syntax error: the reader's message says where (line and byte position).
            return ("$", $"The body is not valid JSON: {ex.Message}");
        }
        var leaf = field[(field.LastIndexOf('.') + 1)..];
        var message = leaf switch
        {
            "eta" or "promisedDate" or "shippedOn" or "orderDate" or "releaseDate" => "Not a date: use yyyy-MM-dd, e.g. 2027-03-31.",
            "kind" => "Unknown kind: use \"backorder\" or \"preOrder\".",
            "reasonCode" => "Unknown reason code: use supplierDelay, production, transport, releaseDateMoved, stockArrivedEarly or other.",
            _ => "The value has the wrong type or is out of range.",
        };
        return (field.Length == 0 ? "$" : field, message);
    }

    // "$.lines[3].quantity" → "lines[3].quantity"
    private static string FieldOf(string? path) => path is null ? "" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    [GeneratedRegex("missing required properties including: '(?<name>[^']+)'")]
    private static partial Regex MissingMember();
}
