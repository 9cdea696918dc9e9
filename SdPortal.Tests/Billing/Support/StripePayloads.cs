using System.Text.Json.Nodes;

namespace SdPortal.Tests.Billing.Support;

/// <summary>Webhook bodies shaped like Stripe's, with only the fields the portal reads.</summary>
public static class StripePayloads
{
    /// <summary>The API version of the events unless a test says otherwise (Stripe.net 53's).</summary>
    public const string ApiVersion = "2026-10-28.endive";

    public const string PackPrice = "price_pack_small";

    public const string ProPrice = "price_plan_pro";

    public const int PackCredits = 500;

    public const int ProMonthlyCredits = 2000;

    public static string Event(string id, string type, long created, JsonObject data, string apiVersion = ApiVersion) =>
        new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = apiVersion,
            ["created"] = created,
            ["livemode"] = false,
            ["type"] = type,
            ["data"] = new JsonObject { ["object"] = data },
        }.ToJsonString();

    public static JsonObject Session(string id, string customer, Guid tenant, string paymentStatus, string mode = "payment", string pack = "small") =>
        new()
        {
            ["id"] = id,
            ["object"] = "checkout.session",
            ["mode"] = mode,
            ["customer"] = customer,
            ["client_reference_id"] = tenant.ToString(),
            ["payment_status"] = paymentStatus,
            ["payment_intent"] = $"pi_{id}",
            ["amount_total"] = 1900,
            ["currency"] = "eur",
            ["metadata"] = new JsonObject { ["tenant_id"] = tenant.ToString(), ["pack"] = pack },
            ["success_url"] = "https://portal.example/billing?checkout=success",
        };

    public static JsonObject Subscription(string id, string customer, string status, long created, string price = ProPrice) =>
        new()
        {
            ["id"] = id,
            ["object"] = "subscription",
            ["customer"] = customer,
            ["status"] = status,
            ["created"] = created,
            ["items"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(new JsonObject
                {
                    ["id"] = $"si_{id}",
                    ["price"] = new JsonObject { ["id"] = price, ["object"] = "price" },
                    ["current_period_end"] = created + (30 * 86400),
                }),
            },
        };

    public static JsonObject Invoice(string id, string customer, string subscription, string reason = "subscription_create", string price = ProPrice) =>
        new()
        {
            ["id"] = id,
            ["object"] = "invoice",
            ["customer"] = customer,
            ["billing_reason"] = reason,
            ["status"] = "paid",
            ["amount_paid"] = 4900,
            ["currency"] = "eur",
            ["parent"] = new JsonObject
            {
                ["subscription_details"] = new JsonObject { ["subscription"] = subscription },
            },
            ["lines"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(new JsonObject
                {
                    ["id"] = $"il_{id}",
                    ["pricing"] = new JsonObject { ["price_details"] = new JsonObject { ["price"] = price } },
                }),
            },
        };

    public static JsonObject Charge(string id, string customer, string paymentIntent, long amount, long refunded) =>
        new()
        {
            ["id"] = id,
            ["object"] = "charge",
            ["customer"] = customer,
            ["payment_intent"] = paymentIntent,
            ["amount"] = amount,
            ["amount_refunded"] = refunded,
            ["refunded"] = refunded >= amount,
        };
}
