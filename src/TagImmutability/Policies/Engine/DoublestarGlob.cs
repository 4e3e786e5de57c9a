using System.Collections.Immutable;
using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// A compiled doublestar glob: brace alternatives are expanded at compile time (bounded), and each alternative is
/// matched by simulating its automaton over a set of positions, so matching takes O(alternatives × pattern × name)
/// steps and never backtracks.
/// </summary>
internal sealed class DoublestarGlob
{
    internal const int MaxPatternLength = 1024;
    internal const int MaxExpandedTokens = 4096;
    internal const string Rule = "doublestar glob: '*' (no '/'), '**' (crosses '/'), '?', '[class]' / '[!class]', '{a,b}', '\\' escape (Harbor, bmatcuk/doublestar)";

    private readonly ImmutableArray<Token[]> _alternatives;

    private DoublestarGlob(ImmutableArray<Token[]> alternatives) => _alternatives = alternatives;

    private enum TokenKind : byte
    {
        Literal,
        One,
        Class,
        Star,
        DoubleStar,

        /// <summary>"**/" written together in the pattern: "**" then "/", or nothing (expanded by Normalize).</summary>
        DoubleStarSlash,
    }

    public static DoublestarGlob Compile(string pattern, out ParseFailure failure)
    {
        failure = ParseFailure.None;
        if (pattern.Length > MaxPatternLength)
        {
            failure = ParseFailure.Whole("it is {length} characters long, more than 1024");
            return null!;
        }

        var parser = new Parser(pattern);
        Node root = parser.ParseSequence(topLevel: true);
        if (parser.Failure.Failed)
        {
            failure = parser.Failure;
            return null!;
        }

        var alternatives = new List<List<Token>> { new() };
        int total = 0;
        if (!Expand(root, alternatives, ref total))
        {
            failure = ParseFailure.Whole("its {a,b} alternatives expand to more than 4096 tokens");
            return null!;
        }

        long estimate = 0;
        foreach (List<Token> alternative in alternatives)
        {
            int slashes = 0;
            foreach (Token token in alternative)
            {
                slashes += token.Kind == TokenKind.DoubleStarSlash ? 1 : 0;
            }

            estimate += slashes > 12 ? long.MaxValue / 2 : (alternative.Count + slashes + 1L) << slashes;
            if (estimate > MaxExpandedTokens)
            {
                failure = ParseFailure.Whole("its {a,b} alternatives and '**/' expand to more than 4096 tokens");
                return null!;
            }
        }

        ImmutableArray<Token[]> compiled = [.. alternatives.SelectMany(Normalize)];
        if (compiled.Sum(a => a.Length) > MaxExpandedTokens)
        {
            failure = ParseFailure.Whole("its {a,b} alternatives and '**/' expand to more than 4096 tokens");
            return null!;
        }

        return new DoublestarGlob(compiled);
    }

    public bool IsMatch(ReadOnlySpan<char> name)
    {
        foreach (Token[] tokens in _alternatives)
        {
            if (Run(tokens, name))
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<Token[]> Normalize(List<Token> tokens)
    {
        // "**/" (written together) also matches nothing, so "**/x" matches "x": each occurrence doubles into
        // "with" and "without" variants. A "**" that meets a "/" only through a brace boundary is a plain "**".
        var variants = new List<List<Token>> { new(tokens.Count) };
        for (int i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Kind == TokenKind.DoubleStarSlash)
            {
                var without = variants.Select(v => new List<Token>(v)).ToList();
                foreach (List<Token> variant in variants)
                {
                    variant.Add(new Token(TokenKind.DoubleStar, '\0', null));
                    variant.Add(new Token(TokenKind.Literal, '/', null));
                }

                variants.AddRange(without);
            }
            else
            {
                foreach (List<Token> variant in variants)
                {
                    variant.Add(tokens[i]);
                }
            }
        }

        return variants.Select(v => v.ToArray());
    }

    private static bool Run(Token[] tokens, ReadOnlySpan<char> name)
    {
        int m = tokens.Length;
        Span<bool> current = m < 512 ? stackalloc bool[m + 1] : new bool[m + 1];
        Span<bool> next = m < 512 ? stackalloc bool[m + 1] : new bool[m + 1];
        current.Clear();
        current[0] = true;
        Close(tokens, current);
        foreach (char c in name)
        {
            next.Clear();
            bool any = false;
            for (int i = 0; i < m; i++)
            {
                if (!current[i])
                {
                    continue;
                }

                Token t = tokens[i];
                switch (t.Kind)
                {
                    case TokenKind.Literal when t.Char == c:
                    case TokenKind.One when c != '/':
                        next[i + 1] = any = true;
                        break;
                    case TokenKind.Class when c != '/' && t.Class!.Matches(c):
                        next[i + 1] = any = true;
                        break;
                    case TokenKind.Star when c != '/':
                    case TokenKind.DoubleStar:
                        next[i] = any = true;
                        break;
                }
            }

            if (!any)
            {
                return false;
            }

            Close(tokens, next);
            Span<bool> swap = current;
            current = next;
            next = swap;
        }

        return current[m];
    }

    private static void Close(Token[] tokens, Span<bool> states)
    {
        for (int i = 0; i < tokens.Length; i++)
        {
            if (states[i] && tokens[i].Kind is TokenKind.Star or TokenKind.DoubleStar)
            {
                states[i + 1] = true;
            }
        }
    }

    private static bool Expand(Node node, List<List<Token>> prefixes, ref int total)
    {
        foreach (object item in node.Items)
        {
            if (item is Token token)
            {
                foreach (List<Token> prefix in prefixes)
                {
                    prefix.Add(token);
                }

                total += prefixes.Count;
            }
            else
            {
                var choices = (List<Node>)item;
                var expanded = new List<List<Token>>();
                foreach (Node choice in choices)
                {
                    var copies = prefixes.Select(p => new List<Token>(p)).ToList();
                    total += copies.Sum(c => c.Count) + copies.Count; // an empty alternative still costs one
                    if (total > MaxExpandedTokens || !Expand(choice, copies, ref total))
                    {
                        return false;
                    }

                    expanded.AddRange(copies);
                }

                prefixes.Clear();
                prefixes.AddRange(expanded);
            }

            if (total > MaxExpandedTokens)
            {
                return false;
            }
        }

        return true;
    }

    private readonly record struct Token(TokenKind Kind, char Char, CharClass? Class);

    private sealed class CharClass(bool negated, List<(char Low, char High)> ranges)
    {
        public bool Matches(char c)
        {
            bool inside = false;
            foreach ((char low, char high) in ranges)
            {
                if (c >= low && c <= high)
                {
                    inside = true;
                    break;
                }
            }

            return inside != negated;
        }
    }

    /// <summary>A sequence: items are tokens or alternations (a list of sequences).</summary>
    private sealed class Node
    {
        public List<object> Items { get; } = [];
    }

    private sealed class Parser(string pattern)
    {
        private int _index;

        public ParseFailure Failure { get; private set; }

        public Node ParseSequence(bool topLevel)
        {
            var node = new Node();
            while (_index < pattern.Length && !Failure.Failed)
            {
                char c = pattern[_index];
                switch (c)
                {
                    case '*':
                        bool doubled = _index + 1 < pattern.Length && pattern[_index + 1] == '*';
                        _index += doubled ? 2 : 1;
                        while (_index < pattern.Length && pattern[_index] == '*')
                        {
                            _index++;
                        }

                        bool slash = doubled && _index < pattern.Length && pattern[_index] == '/';
                        _index += slash ? 1 : 0;
                        node.Items.Add(new Token(slash ? TokenKind.DoubleStarSlash : doubled ? TokenKind.DoubleStar : TokenKind.Star, '\0', null));
                        break;
                    case '?':
                        node.Items.Add(new Token(TokenKind.One, '\0', null));
                        _index++;
                        break;
                    case '[':
                        ParseClass(node);
                        break;
                    case '{':
                        int open = _index;
                        _index++;
                        var choices = new List<Node>();
                        while (true)
                        {
                            choices.Add(ParseSequence(topLevel: false));
                            if (Failure.Failed)
                            {
                                return node;
                            }

                            if (_index >= pattern.Length)
                            {
                                Failure = ParseFailure.At(open, "the '{' at this index is never closed by '}'");
                                return node;
                            }

                            char end = pattern[_index++];
                            if (end == '}')
                            {
                                break;
                            }
                        }

                        node.Items.Add(choices);
                        break;
                    case ',' or '}' when !topLevel:
                        return node;
                    case '}':
                        Failure = ParseFailure.At(_index, "{char} closes no '{'");
                        return node;
                    case '\\':
                        if (_index + 1 >= pattern.Length)
                        {
                            Failure = ParseFailure.At(_index, "the escape '\\' at this index has no character after it");
                            return node;
                        }

                        node.Items.Add(new Token(TokenKind.Literal, pattern[_index + 1], null));
                        _index += 2;
                        break;
                    default:
                        node.Items.Add(new Token(TokenKind.Literal, c, null));
                        _index++;
                        break;
                }
            }

            return node;
        }

        private void ParseClass(Node node)
        {
            int open = _index;
            _index++;
            bool negated = _index < pattern.Length && pattern[_index] is '!' or '^';
            if (negated)
            {
                _index++;
            }

            var ranges = new List<(char, char)>();
            while (true)
            {
                if (_index >= pattern.Length)
                {
                    Failure = ParseFailure.At(open, "the '[' at this index is never closed by ']'");
                    return;
                }

                char c = pattern[_index];
                if (c == ']')
                {
                    if (ranges.Count == 0)
                    {
                        Failure = ParseFailure.At(open, "the class starting at this index is empty");
                        return;
                    }

                    _index++;
                    break;
                }

                int at = _index;
                if (!TryReadClassChar(out char low))
                {
                    return;
                }

                char high = low;
                if (_index + 1 < pattern.Length && pattern[_index] == '-' && pattern[_index + 1] != ']')
                {
                    _index++;
                    if (!TryReadClassChar(out high))
                    {
                        return;
                    }

                    if (high < low)
                    {
                        Failure = ParseFailure.At(at, "the range starting at this index runs backwards");
                        return;
                    }
                }

                ranges.Add((low, high));
            }

            node.Items.Add(new Token(TokenKind.Class, '\0', new CharClass(negated, ranges)));
        }

        private bool TryReadClassChar(out char c)
        {
            c = pattern[_index];
            if (c == '\\')
            {
                if (_index + 1 >= pattern.Length)
                {
                    Failure = ParseFailure.At(_index, "the escape '\\' at this index has no character after it");
                    return false;
                }

                c = pattern[_index + 1];
                _index += 2;
                return true;
            }

            _index++;
            return true;
        }
    }
}
