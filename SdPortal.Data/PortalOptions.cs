using System.ComponentModel.DataAnnotations;

namespace SdPortal.Data;

/// <summary>The portal's own settings (section <c>Portal</c>).</summary>
public sealed class PortalOptions
{
    public const string SectionName = "Portal";

    /// <summary>
    /// Where the embedded database, Hangfire storage, images and synthetic models live
    /// (<c>Portal:DataDirectory</c>, environment <c>Portal__DataDirectory</c>); relative paths start at the working directory.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = ".data";

    /// <summary>Emails of the operators, who see every tenant, the GPU pool and the Hangfire dashboard.</summary>
    public IList<string> Operators { get; } = [];
}
