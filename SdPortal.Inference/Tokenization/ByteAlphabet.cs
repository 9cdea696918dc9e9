namespace SdPortal.Inference.Tokenization;

/// <summary>
/// GPT-2's reversible byte-to-character mapping, which CLIP's vocabulary is written in: every UTF-8 byte becomes one
/// visible character so that BPE symbols never contain whitespace or control characters.
/// </summary>
internal static class ByteAlphabet
{
    /// <summary>
    /// The character standing for each byte. Bytes in '!'..'~', '¡'..'¬' and '®'..'ÿ' stand for themselves; the
    /// remaining 68 bytes, in increasing order, take consecutive code points from U+0100.
    /// </summary>
    public static char[] Build()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            table[b] = StandsForItself(b) ? (char)b : (char)next++;
        }

        return table;
    }

    private static bool StandsForItself(int b) =>
        b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
}
