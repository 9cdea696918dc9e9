using Microsoft.AspNetCore.Http.HttpResults;

namespace SdPortal.Web.Account;

/// <summary>
/// What an API handler's <see cref="IResult"/> means to a form: success, or the messages to show. Lets the account pages
/// reuse the API's handlers (one set of rules) without speaking HTTP to themselves.
/// </summary>
internal sealed record ApiOutcome(bool Succeeded, IReadOnlyList<string> Messages)
{
    public static ApiOutcome From(IResult result) => result switch
    {
        ValidationProblem v => new(false, [.. v.ProblemDetails.Errors.SelectMany(e => e.Value)]),
        ProblemHttpResult p => new(false, [p.ProblemDetails.Detail ?? p.ProblemDetails.Title ?? "The request failed."]),
        IStatusCodeHttpResult { StatusCode: >= 400 } => new(false, ["The request failed."]),
        _ => new(true, []),
    };

    /// <summary>The value a successful result carries, e.g. the <c>RedirectResponse</c> of a checkout.</summary>
    public static T? ValueOf<T>(IResult result) where T : class => (result as IValueHttpResult<T>)?.Value;
}
