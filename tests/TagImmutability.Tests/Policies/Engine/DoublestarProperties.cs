using System.Text;
using System.Text.RegularExpressions;

namespace TagImmutability.Tests.Policies.Engine;

/// <summary>The glob automaton agrees with a straightforward (backtracking, test-only) regular-expression translation.</summary>
public sealed class DoublestarProperties
{
    private static readonly string[] Pieces = ["a", "b", "/", "*", "**", "**/", "?", "[ab]", "[!a]", "{a,b}", "{a,}", "{a*,b/}", "\\*"];

    private static Gen<string> Patterns => Gen.ArrayOf(Gen.Elements(Pieces), 1).SelectMany(_ =>
        Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(Gen.Elements(Pieces), n)).Select(p => string.Concat(p)));

    /// <summary>The reference: the documented semantics spelled as a .NET regular expression.</summary>
    private static Regex Reference(string glob)
    {
        var regex = new StringBuilder("^(?:");
        int depth = 0;
        for (int i = 0; i < glob.Length; i++)
        {
            char c = glob[i];
            switch (c)
            {
                case '*':
                    int run = 1;
                    while (i + 1 < glob.Length && glob[i + 1] == '*')
                    {
                        run++;
                        i++;
                    }

                    if (run >= 2 && i + 1 < glob.Length && glob[i + 1] == '/')
                    {
                        regex.Append("(?:.*/)?");
                        i++;
                    }
                    else
                    {
                        regex.Append(run >= 2 ? ".*" : "[^/]*");
                    }

                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '[':
                    int close = glob.IndexOf(']', i);
                    string body = glob[(i + 1)..close];
                    regex.Append(body.StartsWith('!') ? "[^/" + body[1..] + "]" : "[" + body + "]");
                    i = close;
                    break;
                case '{':
                    depth++;
                    regex.Append("(?:");
                    break;
                case ',' when depth > 0:
                    regex.Append('|');
                    break;
                case '}':
                    depth--;
                    regex.Append(')');
                    break;
                case '\\':
                    regex.Append(Regex.Escape(glob[++i].ToString()));
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return new Regex(regex.Append(")$").ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
    }

    [Property(MaxTest = 1000)]
    public Property Glob_matching_agrees_with_the_reference_translation() =>
        Prop.ForAll(Patterns.ToArbitrary(), Generators.Arbitraries.StringOf("ab/", 0, 7).ToArbitrary(), (glob, name) =>
            (TagPattern.Doublestar(glob).IsMatch(name) == Reference(glob).IsMatch(name)).Label($"'{glob}' on '{name}'"));
}
