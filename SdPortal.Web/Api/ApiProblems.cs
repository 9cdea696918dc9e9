namespace SdPortal.Web.Api;

/// <summary>The API's error answers, all as problem details.</summary>
internal static class ApiProblems
{
    /// <summary>Not found, and also the answer for anything of another tenant (R16): it reveals nothing.</summary>
    public static IResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult Unauthorized() => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

    public static IResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    /// <summary>
    /// 422: an <c>Idempotency-Key</c> replayed with a different body. The key is echoed only as far as it is printable
    /// and short (callers choose it; keys here are at most 150 characters).
    /// </summary>
    public static IResult KeyReused(string key) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused",
            detail: $"Idempotency-Key {Inference.Pipeline.GenerationSpec.Quote(key)} was already used for a different request; use a new key for a new request.");

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);
}

/// <summary>Collects field errors and answers them as validation problem details (400).</summary>
internal sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public FieldErrors Require(bool condition, string field, string message)
    {
        if (!condition)
        {
            Add(field, message);
        }

        return this;
    }

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public IResult ToResult() => TypedResults.ValidationProblem(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));

    /// <summary>
    /// A name or a one-line note: <paramref name="min"/> to <paramref name="max"/> characters once trimmed, none of them
    /// a control character (NUL, line breaks, escapes), which would forge log lines, break CSV exports and PNG text.
    /// </summary>
    public static bool IsSingleLine(string? value, int min, int max) =>
        value?.Trim() is { } trimmed && trimmed.Length >= min && trimmed.Length <= max && !trimmed.Any(char.IsControl);

    public static bool IsEmail(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= 256
        && System.Net.Mail.MailAddress.TryCreate(value, out var address) && address.Address == value;
}
