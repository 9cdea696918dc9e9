using System.Text;

namespace SdPortal.Inference.Imaging;

/// <summary>
/// Builds the data of a PNG text chunk (PNG spec §11.3.4): <c>tEXt</c> when the text is Latin-1, otherwise an
/// uncompressed <c>iTXt</c> with UTF-8 text, so that prompts in any script survive.
/// </summary>
internal static class PngTextChunk
{
    /// <summary>The longest keyword PNG allows, in bytes (= Latin-1 chars).</summary>
    public const int MaxKeywordLength = 79;

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false,
        throwOnInvalidBytes: true);

    /// <summary>Returns the chunk type and data for one keyword/text pair.</summary>
    /// <exception cref="ArgumentException">The keyword breaks PNG's keyword rules or the text holds NUL or a lone surrogate.</exception>
    public static (string Type, byte[] Data) Build(string keyword, string text)
    {
        ValidateKeyword(keyword);
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"PNG text for keyword '{keyword}' contains a NUL character.", nameof(text));
        }

        return IsLatin1(text) ? ("tEXt", BuildText(keyword, text)) : ("iTXt", BuildInternationalText(keyword, text));
    }

    // tEXt: keyword, NUL, Latin-1 text.
    private static byte[] BuildText(string keyword, string text)
    {
        var data = new byte[keyword.Length + 1 + text.Length];
        Encoding.Latin1.GetBytes(keyword, data);
        Encoding.Latin1.GetBytes(text, data.AsSpan(keyword.Length + 1));
        return data;
    }

    // iTXt: keyword, NUL, compression flag 0, compression method 0, empty language tag, NUL, empty translated keyword,
    // NUL, UTF-8 text (not NUL-terminated).
    private static byte[] BuildInternationalText(string keyword, string text)
    {
        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException($"PNG text for keyword '{keyword}' is not valid UTF-16 (lone surrogate).",
                nameof(text), ex);
        }

        var header = keyword.Length + 5;
        var data = new byte[header + utf8.Length];
        Encoding.Latin1.GetBytes(keyword, data);
        utf8.CopyTo(data, header); // the five bytes after the keyword stay 0: NUL, flag, method, NUL, NUL
        return data;
    }

    // Keywords are 1-79 printable Latin-1 chars, without leading, trailing or consecutive spaces (PNG spec §11.3.4.2).
    private static void ValidateKeyword(string keyword)
    {
        var valid = keyword.Length is >= 1 and <= MaxKeywordLength
            && keyword[0] != ' ' && keyword[^1] != ' '
            && !keyword.Contains("  ", StringComparison.Ordinal)
            && keyword.All(c => c is >= ' ' and <= '~' or >= '\u00A1' and <= '\u00FF');
        if (!valid)
        {
            throw new ArgumentException(
                $"'{keyword}' is not a PNG keyword: 1-{MaxKeywordLength} printable Latin-1 characters, " +
                "no leading, trailing or double spaces.", nameof(keyword));
        }
    }

    private static bool IsLatin1(string text)
    {
        foreach (var c in text)
        {
            if (c > '\u00FF')
            {
                return false;
            }
        }

        return true;
    }
}
