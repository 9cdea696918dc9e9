using System.Globalization;

namespace SdPortal.Inference.Cli;

/// <summary>A1111-style output names, <c>NNNNN-seed.png</c>, numbered on from the highest number already in the folder.</summary>
internal static class OutputFileNames
{
    /// <summary>The file name of image number <paramref name="index"/>.</summary>
    public static string For(int index, ulong seed) =>
        string.Create(CultureInfo.InvariantCulture, $"{index:D5}-{seed}.png");

    /// <summary>One past the highest NNNNN prefix of the PNG files in <paramref name="directory"/>, 0 if there are none.</summary>
    public static int NextIndex(string directory)
    {
        var highest = -1;
        foreach (var path in Directory.EnumerateFiles(directory, "*.png"))
        {
            var name = Path.GetFileName(path);
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                highest = Math.Max(highest, index);
            }
        }

        return highest + 1;
    }
}
