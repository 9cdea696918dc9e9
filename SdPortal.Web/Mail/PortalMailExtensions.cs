using Microsoft.AspNetCore.Identity;
using SdPortal.Data.Entities;

namespace SdPortal.Web.Mail;

/// <summary>Mail delivery (section <c>Email</c>): the outbox that requests write to, and the service that sends. See ADR-017.</summary>
public static class PortalMailExtensions
{
    public static IHostApplicationBuilder AddPortalMail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<MailOutbox>();
        builder.Services.AddSingleton<MailNotices>();
        builder.Services.AddSingleton<IEmailSender<PortalUser>, PortalEmailSender>();
        builder.Services.AddSingleton<LogMailTransport>();
        builder.Services.AddSingleton<SmtpMailTransport>();
        builder.Services.AddSingleton<IMailTransport>(services =>
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EmailOptions>>().Value.Delivery == MailDelivery.Smtp
                ? services.GetRequiredService<SmtpMailTransport>()
                : services.GetRequiredService<LogMailTransport>());
        builder.Services.AddHostedService<MailDeliveryService>();
        return builder;
    }
}
