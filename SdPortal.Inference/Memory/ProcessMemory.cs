using System.Globalization;

namespace SdPortal.Inference.Memory;

/// <summary>
/// This process's resident memory as Linux reports it in <c>/proc/self/status</c>: <c>VmHWM</c> (the peak resident set
/// since the process started) and <c>VmRSS</c> (now). The peak is the honest figure for admission: it counts ONNX
/// Runtime's native buffers and the arena, which no managed counter sees. Null where the file does not exist.
/// </summary>
public static class ProcessMemory
{
    private const string StatusFile = "/proc/self/status";

    /// <summary>The peak resident set in bytes (<c>VmHWM</c>), or null off Linux.</summary>
    public static long? PeakResidentBytes() => Read("VmHWM:");

    /// <summary>The current resident set in bytes (<c>VmRSS</c>), or null off Linux.</summary>
    public static long? ResidentBytes() => Read("VmRSS:");

    private static long? Read(string field)
    {
        if (!File.Exists(StatusFile))
        {
            return null;
        }

        // The line reads e.g. "VmHWM:	  123456 kB".
        var line = File.ReadLines(StatusFile).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        var parts = line?[field.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return parts is [var kilobytes, "kB"] ? long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024 : null;
    }
}
