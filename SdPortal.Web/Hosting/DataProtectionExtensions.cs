using Microsoft.AspNetCore.DataProtection;
using SdPortal.Data;

namespace SdPortal.Web.Hosting;

/// <summary>Keys for cookies, antiforgery and circuit state, kept in the data folder so restarts keep users signed in.</summary>
public static class DataProtectionExtensions
{
    /// <summary>Persists keys under <c>{DataDirectory}/keys</c>; web nodes of one deployment share that volume.</summary>
    public static IHostApplicationBuilder AddPortalDataProtection(this IHostApplicationBuilder builder, PortalStorage storage)
    {
        builder.Services.AddDataProtection()
            .SetApplicationName("SdPortal")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(storage.DataDirectory, "keys")));
        return builder;
    }
}
