using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace SdPortal.Web.Mail;

/// <summary>How mail leaves the portal.</summary>
public enum MailDelivery
{
    /// <summary>No mail server: each message's link is written to the server log (development, demos).</summary>
    Log,

    /// <summary>Over SMTP with MailKit, to the server in <c>Email:Smtp</c>.</summary>
    Smtp,
}

/// <summary>Mail settings (section <c>Email</c>), validated at start so a wrong one fails the boot with its key named.</summary>
public sealed class EmailOptions : IValidatableObject
{
    public const string SectionName = "Email";

    public MailDelivery Delivery { get; set; } = MailDelivery.Log;

    /// <summary>The sender address (<c>Email:From</c>), e.g. <c>SdPortal &lt;no-reply@portal.example.com&gt;</c>; required for Smtp.</summary>
    public string? From { get; set; }

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Messages waiting to be sent, at most; beyond it a request's mail is dropped and logged, never waited for.</summary>
    [Range(1, 100_000)]
    public int OutboxCapacity { get; set; } = 1000;

    /// <summary>Tries per message before it is given up (and logged).</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the second try; it doubles for each further one.</summary>
    [Range(1, 600_000)]
    public int RetryDelayMilliseconds { get; set; } = 2000;

    /// <summary>True when links reach the server log rather than an inbox, which the pages then say plainly.</summary>
    public bool LinksGoToLog => Delivery == MailDelivery.Log;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Delivery))
        {
            yield return new ValidationResult("Email:Delivery must be Log or Smtp.", [nameof(Delivery)]);
        }

        if (Delivery != MailDelivery.Smtp)
        {
            yield break;
        }

        if (!MimeKit.MailboxAddress.TryParse(From, out _) || From!.Trim().Length == 0)
        {
            yield return new ValidationResult(
                "Email:From must be the sender address (e.g. no-reply@portal.example.com) when Email:Delivery is Smtp.", [nameof(From)]);
        }

        if (string.IsNullOrWhiteSpace(Smtp.Host))
        {
            yield return new ValidationResult("Email:Smtp:Host must name the SMTP server when Email:Delivery is Smtp.", ["Smtp.Host"]);
        }

        if (Smtp.Port is < 1 or > 65535)
        {
            yield return new ValidationResult("Email:Smtp:Port must be 1 to 65535 (587 for submission with STARTTLS).", ["Smtp.Port"]);
        }

        if (!Enum.IsDefined(Smtp.Security))
        {
            yield return new ValidationResult("Email:Smtp:Security must be None, Auto, StartTls, StartTlsWhenAvailable or SslOnConnect.", ["Smtp.Security"]);
        }

        if (string.IsNullOrEmpty(Smtp.Username) != string.IsNullOrEmpty(Smtp.Password))
        {
            yield return new ValidationResult("Email:Smtp:Username and Email:Smtp:Password go together: set both or neither.", ["Smtp.Username"]);
        }

        if (Smtp.TimeoutSeconds is < 1 or > 300)
        {
            yield return new ValidationResult("Email:Smtp:TimeoutSeconds must be 1 to 300.", ["Smtp.TimeoutSeconds"]);
        }
    }
}

/// <summary>The SMTP server (section <c>Email:Smtp</c>).</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>
    /// MailKit's <see cref="SecureSocketOptions"/>. Auto: TLS on connect for port 465, STARTTLS when the server offers it
    /// otherwise; set StartTls to refuse a server that does not (the setting for a server across a network).
    /// </summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.Auto;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>How long one connect, authenticate or send may take before the try counts as failed.</summary>
    public int TimeoutSeconds { get; set; } = 30;
}
