using System.Text;

namespace SdPortal.Inference.Tokenization.Prompts;

/// <summary>
/// Parses A1111's prompt-editing grammar (<c>schedule_parser</c> in modules/prompt_parser.py):
/// <code>
/// start:     (prompt | /[][():]/+)*
/// prompt:    (emphasized | scheduled | alternate | plain | WHITESPACE)*
/// emphasized: "(" prompt ")" | "(" prompt ":" prompt ")" | "[" prompt "]"
/// scheduled: "[" [prompt ":"] prompt ":" [WHITESPACE] NUMBER [WHITESPACE] "]"
/// alternate: "[" prompt ("|" [prompt])+ "]"
/// plain:     /([^\\\[\]():|]|\\.)+/
/// </code>
/// Stray brackets and colons are text only at the top level; a <c>|</c> outside an alternation, or a backslash that
/// escapes nothing, makes the whole prompt unparsable, and the reference then uses it unchanged at every step. Where the
/// grammar is ambiguous (a bracket at the top level can be text or open a construct) the construct wins, as the
/// reference's Earley parser resolves it.
/// </summary>
internal sealed class PromptScheduleParser
{
    private readonly string _text;
    private int _position;

    private PromptScheduleParser(string text) => _text = text;

    /// <summary>The tree of <paramref name="text"/>, or null when the grammar does not accept it.</summary>
    public static ScheduleNode? Parse(string text) => new PromptScheduleParser(text).ParseStart();

    private char Current => _text[_position];

    private bool AtEnd => _position >= _text.Length;

    private SequenceNode? ParseStart()
    {
        var items = new List<ScheduleNode>();
        while (!AtEnd)
        {
            var start = _position;
            if (Current is '[' or '(' && ParseConstruct() is { } construct)
            {
                items.Add(construct);
                continue;
            }

            _position = start;
            if (Current is '[' or ']' or '(' or ')' or ':')
            {
                items.Add(new LiteralNode(Current.ToString()));
                _position++;
            }
            else if (ParsePrompt() is { Items.Count: > 0 } prompt)
            {
                items.Add(prompt);
            }
            else
            {
                return null; // a '|' or a dangling backslash: no rule takes it
            }
        }

        return new SequenceNode(items);
    }

    /// <summary>A prompt: as much plain text, whitespace and complete constructs as follow (possibly none).</summary>
    private SequenceNode ParsePrompt()
    {
        var items = new List<ScheduleNode>();
        var plain = new StringBuilder();
        while (!AtEnd)
        {
            var c = Current;
            if (c is '[' or '(')
            {
                var start = _position;
                if (ParseConstruct() is not { } construct)
                {
                    _position = start;
                    break;
                }

                Flush();
                items.Add(construct);
            }
            else if (c is ']' or ')' or ':' or '|')
            {
                break;
            }
            else if (c == '\\')
            {
                // \\. : a backslash and the character after it (not a line break, which '.' does not match).
                if (_position + 1 >= _text.Length || _text[_position + 1] == '\n')
                {
                    break;
                }

                plain.Append(_text, _position, 2);
                _position += 2;
            }
            else
            {
                plain.Append(c);
                _position++;
            }
        }

        Flush();
        return new SequenceNode(items);

        void Flush()
        {
            if (plain.Length > 0)
            {
                items.Add(new LiteralNode(plain.ToString()));
                plain.Clear();
            }
        }
    }

    /// <summary>An emphasis, edit or alternation at the current bracket, or null (position undefined) when none parses.</summary>
    private ScheduleNode? ParseConstruct()
    {
        var open = Current;
        _position++;
        var first = ParsePrompt();
        if (AtEnd)
        {
            return null;
        }

        if (open == '(')
        {
            return ParseRoundEmphasis(first);
        }

        switch (Current)
        {
            case ']':
                _position++;
                return new SequenceNode([new LiteralNode("["), first, new LiteralNode("]")]);
            case '|':
                return ParseAlternation(first);
            case ':':
                _position++;
                return ParseEdit(first);
            default:
                return null;
        }
    }

    private SequenceNode? ParseRoundEmphasis(SequenceNode first)
    {
        if (Current == ')')
        {
            _position++;
            return new SequenceNode([new LiteralNode("("), first, new LiteralNode(")")]);
        }

        if (Current != ':')
        {
            return null;
        }

        _position++;
        var second = ParsePrompt();
        if (AtEnd || Current != ')')
        {
            return null;
        }

        _position++;
        return new SequenceNode([new LiteralNode("("), first, new LiteralNode(":"), second, new LiteralNode(")")]);
    }

    private AlternationNode? ParseAlternation(SequenceNode first)
    {
        var options = new List<ScheduleNode> { first };
        while (!AtEnd && Current == '|')
        {
            _position++;
            options.Add(ParsePrompt());
        }

        if (AtEnd || Current != ']')
        {
            return null;
        }

        _position++;
        return new AlternationNode(options);
    }

    /// <summary>After <c>[first:</c>: either <c>when]</c> (first is the new text) or <c>second:when]</c>.</summary>
    private EditNode? ParseEdit(SequenceNode first)
    {
        var afterColon = _position;
        if (ReadWhen() is { } number)
        {
            return new EditNode(null, first, number);
        }

        _position = afterColon;
        var second = ParsePrompt();
        if (AtEnd || Current != ':')
        {
            return null;
        }

        _position++;
        return ReadWhen() is { } when ? new EditNode(first, second, when) : null;
    }

    /// <summary>Reads <c>[WHITESPACE] NUMBER [WHITESPACE] "]"</c>; returns the number's text.</summary>
    private string? ReadWhen()
    {
        SkipWhitespace();
        var number = ReadNumber();
        SkipWhitespace();
        if (number is null || AtEnd || Current != ']')
        {
            return null;
        }

        _position++;
        return number;
    }

    /// <summary>lark's SIGNED_NUMBER: an optional sign, then INT or a decimal (<c>1.</c>, <c>.5</c>, <c>1.5</c>),
    /// optionally followed by an exponent.</summary>
    private string? ReadNumber()
    {
        var start = _position;
        if (!AtEnd && Current is '+' or '-')
        {
            _position++;
        }

        var integerDigits = SkipDigits();
        var fractionDigits = 0;
        if (!AtEnd && Current == '.')
        {
            _position++;
            fractionDigits = SkipDigits();
        }

        if (integerDigits == 0 && fractionDigits == 0)
        {
            return null;
        }

        var beforeExponent = _position;
        if (!AtEnd && Current is 'e' or 'E')
        {
            _position++;
            if (!AtEnd && Current is '+' or '-')
            {
                _position++;
            }

            if (SkipDigits() == 0)
            {
                _position = beforeExponent;
            }
        }

        return _text[start.._position];
    }

    private int SkipDigits()
    {
        var start = _position;
        while (!AtEnd && char.IsAsciiDigit(Current))
        {
            _position++;
        }

        return _position - start;
    }

    private void SkipWhitespace()
    {
        while (!AtEnd && char.IsWhiteSpace(Current))
        {
            _position++;
        }
    }
}
