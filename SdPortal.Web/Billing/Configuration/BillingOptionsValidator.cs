using Microsoft.Extensions.Options;

namespace SdPortal.Web.Billing.Configuration;

/// <summary>The checks data annotations cannot express: each plan and pack validated, keys and prices unique.</summary>
internal sealed class BillingOptionsValidator : IValidateOptions<BillingOptions>
{
    public ValidateOptionsResult Validate(string? name, BillingOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Plans.Count; i++)
        {
            failures.AddRange(Annotations(options.Plans[i], $"Billing:Plans:{i}"));
        }

        for (var i = 0; i < options.Packs.Count; i++)
        {
            failures.AddRange(Annotations(options.Packs[i], $"Billing:Packs:{i}"));
        }

        Unique(failures, "Billing:Plans keys", options.Plans.Select(p => p.Key));
        Unique(failures, "Billing:Packs keys", options.Packs.Select(p => p.Key));
        Unique(failures, "Billing Stripe price ids", options.Plans.Select(p => p.StripePriceId).Concat(options.Packs.Select(p => p.StripePriceId))
            .Where(p => !string.IsNullOrEmpty(p))!);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> Annotations(object item, string path)
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
            item, new System.ComponentModel.DataAnnotations.ValidationContext(item), results, validateAllProperties: true);
        return results.Select(r => $"{path}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}");
    }

    private static void Unique(List<string> failures, string what, IEnumerable<string?> values)
    {
        foreach (var duplicate in values.GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            failures.Add($"{what} must be unique: '{duplicate.Key}' appears {duplicate.Count()} times.");
        }
    }
}

/// <summary>Stripe's settings: a usable API address and a sane tolerance, secrets optional.</summary>
internal sealed class StripeOptionsValidator : IValidateOptions<StripeOptions>
{
    public ValidateOptionsResult Validate(string? name, StripeOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.ApiBase, UriKind.Absolute, out var api) || api.Scheme is not ("https" or "http"))
        {
            failures.Add($"Stripe:ApiBase must be an absolute http(s) URL, not '{options.ApiBase}'.");
        }

        if (options.WebhookToleranceSeconds is < 1 or > 3600)
        {
            failures.Add("Stripe:WebhookToleranceSeconds must be between 1 and 3600.");
        }

        if (options.WebhookSecret is { Length: > 0 } secret && !secret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            failures.Add("Stripe:WebhookSecret must be the endpoint's signing secret (whsec_…).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
