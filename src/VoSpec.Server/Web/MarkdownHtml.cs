using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace VoSpec.Server.Web;

/// <summary>
/// The small part of Markdown the repository's docs/ use, as HTML for the /docs/ pages: headings, paragraphs, lists,
/// block quotes, fenced code, pipe tables, inline code, bold, links and autolinks. Every piece of the source's text
/// is HTML-encoded before it is placed, and the only markup written is the fixed tags below, so a document can show
/// "&lt;script&gt;" but never run it (the pages' policy forbids inline code besides). A link keeps its target only
/// when it is http(s), an anchor, or another document that is served; anything else (a source file of the repository,
/// the README above docs/) is shown as its text. Not a general Markdown engine: no raw HTML, no images, no nesting.
/// </summary>
internal static partial class MarkdownHtml
{
    /// <param name="markdown">The document's text.</param>
    /// <param name="directory">The document's folder under docs/ ("" or "reliability/"), for its relative links.</param>
    /// <param name="exists">Whether a path under docs/ ("access.md", "reliability/faults.md") is served.</param>
    public static string Render(string markdown, string directory, Func<string, bool> exists)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var html = new StringBuilder();
        var paragraph = new List<string>();
        string? list = null; // "ul" or "ol" while a list is open
        string Inline(string text) => InlineHtml(text, directory, exists);

        void EndParagraph()
        {
            if (paragraph.Count > 0) html.Append("<p>").Append(Inline(string.Join(" ", paragraph))).Append("</p>\n");
            paragraph.Clear();
        }
        void EndList()
        {
            if (list is null) return;
            html.Append("</li></").Append(list).Append(">\n");
            list = null;
        }

        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                EndParagraph(); EndList();
                var code = new StringBuilder();
                for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal); i++) code.Append(lines[i]).Append('\n');
                html.Append("<pre><code>").Append(WebUtility.HtmlEncode(code.ToString())).Append("</code></pre>\n");
                continue;
            }
            if (string.IsNullOrWhiteSpace(line)) { EndParagraph(); continue; }
            var heading = Heading().Match(line);
            if (heading.Success)
            {
                EndParagraph(); EndList();
                int level = heading.Groups[1].Length;
                string text = heading.Groups[2].Value.Trim();
                html.Append("<h").Append(level).Append(" id=\"").Append(WebUtility.HtmlEncode(Slug(text))).Append("\">").Append(Inline(text))
                    .Append("</h").Append(level).Append(">\n");
                continue;
            }
            if (line.StartsWith('|') && i + 1 < lines.Length && TableRule().IsMatch(lines[i + 1]))
            {
                EndParagraph(); EndList();
                html.Append("<div class=\"scroll\"><table><thead><tr>");
                foreach (var cell in Cells(line)) html.Append("<th>").Append(Inline(cell)).Append("</th>");
                html.Append("</tr></thead><tbody>\n");
                for (i += 2; i < lines.Length && lines[i].StartsWith('|'); i++)
                {
                    html.Append("<tr>");
                    foreach (var cell in Cells(lines[i])) html.Append("<td>").Append(Inline(cell)).Append("</td>");
                    html.Append("</tr>\n");
                }
                i--;
                html.Append("</tbody></table></div>\n");
                continue;
            }
            var item = ListItem().Match(line);
            if (item.Success)
            {
                EndParagraph();
                string kind = char.IsDigit(item.Groups[1].Value[0]) ? "ol" : "ul";
                if (list != kind) { EndList(); html.Append('<').Append(kind).Append("><li>"); list = kind; }
                else html.Append("</li><li>");
                html.Append(Inline(item.Groups[2].Value));
                continue;
            }
            if (list is not null && (line.StartsWith(' ') || line.StartsWith('\t')))
            {
                html.Append(' ').Append(Inline(line.Trim())); // a list item's continued line
                continue;
            }
            if (line.StartsWith('>'))
            {
                EndParagraph(); EndList();
                html.Append("<blockquote><p>").Append(Inline(line.TrimStart('>').Trim()));
                for (; i + 1 < lines.Length && lines[i + 1].StartsWith('>'); i++) html.Append(' ').Append(Inline(lines[i + 1].TrimStart('>').Trim()));
                html.Append("</p></blockquote>\n");
                continue;
            }
            EndList();
            paragraph.Add(line.Trim());
        }
        EndParagraph(); EndList();
        return html.ToString();
    }

    /// <summary>A heading's anchor as GitHub forms it: lower case, punctuation dropped, spaces as hyphens.</summary>
    public static string Slug(string heading)
    {
        var sb = new StringBuilder();
        foreach (char c in Plain().Replace(heading, "$1").ToLowerInvariant())
            if (char.IsLetterOrDigit(c) || c == '-' || c == '_') sb.Append(c);
            else if (c == ' ') sb.Append('-');
        return sb.ToString();
    }

    private static IEnumerable<string> Cells(string row) =>
        row.Trim().Trim('|').Split('|').Select(c => c.Trim());

    private static string InlineHtml(string text, string directory, Func<string, bool> exists)
    {
        var sb = new StringBuilder();
        int at = 0;
        foreach (Match m in InlineToken().Matches(text))
        {
            sb.Append(WebUtility.HtmlEncode(text[at..m.Index]));
            at = m.Index + m.Length;
            if (m.Groups["code"].Success) sb.Append("<code>").Append(WebUtility.HtmlEncode(m.Groups["code"].Value)).Append("</code>");
            else if (m.Groups["bold"].Success) sb.Append("<strong>").Append(InlineHtml(m.Groups["bold"].Value, directory, exists)).Append("</strong>");
            else if (m.Groups["auto"].Success) sb.Append("<a href=\"").Append(WebUtility.HtmlEncode(m.Groups["auto"].Value)).Append("\">").Append(WebUtility.HtmlEncode(m.Groups["auto"].Value)).Append("</a>");
            else
            {
                string label = InlineHtml(m.Groups["text"].Value, directory, exists), target = m.Groups["href"].Value;
                if (Served(target, directory, exists)) sb.Append("<a href=\"").Append(WebUtility.HtmlEncode(target)).Append("\">").Append(label).Append("</a>");
                else sb.Append(label);
            }
        }
        sb.Append(WebUtility.HtmlEncode(text[at..]));
        return sb.ToString();
    }

    /// <summary>Whether a link's target answers: http(s), an anchor of this page, or a served document under docs/.</summary>
    private static bool Served(string target, string directory, Func<string, bool> exists)
    {
        if (target.StartsWith("https://", StringComparison.Ordinal) || target.StartsWith("http://", StringComparison.Ordinal)) return true;
        if (target.StartsWith('#')) return true;
        if (target.Contains(':', StringComparison.Ordinal) || target.StartsWith('/')) return false; // javascript:, data:, absolute paths
        string path = target.Split('#')[0];
        var parts = new List<string>();
        foreach (var part in (directory + path).Split('/'))
        {
            if (part == "..") { if (parts.Count == 0) return false; parts.RemoveAt(parts.Count - 1); }
            else if (part is not ("" or ".")) parts.Add(part);
        }
        return exists(string.Join('/', parts));
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")]
    private static partial Regex TableRule();

    [GeneratedRegex(@"^\s{0,3}([-*]|\d+\.)\s+(.*)$")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"`(?<code>[^`]+)`|\*\*(?<bold>.+?)\*\*|<(?<auto>https?://[^>\s]+)>|\[(?<text>[^\]]+)\]\((?<href>[^)\s]+)\)")]
    private static partial Regex InlineToken();

    [GeneratedRegex(@"`([^`]*)`")]
    private static partial Regex Plain();
}
