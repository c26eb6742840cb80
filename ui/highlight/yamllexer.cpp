#include "yamllexer.h"

#include <QRegularExpression>

#include <algorithm>

namespace ktx {

namespace {

// State 0 is ordinary YAML; 1 + n means "inside a block scalar whose parent node starts at
// column n": every following line indented deeper than n (or blank) is scalar content.
constexpr int NormalState = 0;
constexpr int MaxParentIndent = 4095;

bool isBlank(QChar c)
{
    return c == u' ' || c == u'\t';
}

bool isFlowIndicator(QChar c)
{
    return c == u',' || c == u'[' || c == u']' || c == u'{' || c == u'}';
}

int leadingSpaces(QStringView line)
{
    int i = 0;
    while (i < line.size() && line[i] == u' ')
        ++i;
    return i;
}

bool isBlankLine(QStringView line)
{
    return std::all_of(line.begin(), line.end(), isBlank);
}

TokenClass classifyPlainScalar(QStringView text)
{
    static const QStringList constants
        = {QStringLiteral("true"),  QStringLiteral("True"),  QStringLiteral("TRUE"),
           QStringLiteral("false"), QStringLiteral("False"), QStringLiteral("FALSE"),
           QStringLiteral("null"),  QStringLiteral("Null"),  QStringLiteral("NULL"),
           QStringLiteral("~")};
    if (constants.contains(text))
        return TokenClass::Constant;
    // The YAML 1.2 core schema's numbers, plus the underscores YAML 1.1 files still use.
    static const QRegularExpression number(
        QStringLiteral(R"(^[-+]?(?:0x[0-9a-fA-F_]+|0o[0-7_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*))"
                       R"((?:[eE][-+]?\d+)?|\.(?:inf|Inf|INF))$|^\.(?:nan|NaN|NAN)$)"));
    if (number.match(text.toString()).hasMatch())
        return TokenClass::Number;
    return TokenClass::String;
}

class YamlLineScanner
{
public:
    YamlLineScanner(QStringView line, QList<TokenSpan> &spans)
        : m_line(line)
        , m_spans(spans)
    { }

    int run();

private:
    void add(int start, int end, TokenClass token)
    {
        if (end > start)
            m_spans.append({start, end - start, token});
    }
    QChar at(int i) const { return i < m_line.size() ? m_line[i] : QChar(); }
    bool endsToken(int i) const
    {
        return i >= m_line.size() || isBlank(m_line[i])
            || (m_flowDepth > 0 && isFlowIndicator(m_line[i]));
    }
    // A ':' is a mapping indicator only when followed by a space (or the end); a:b is a scalar.
    bool isMappingColon(int i) const { return at(i) == u':' && endsToken(i + 1); }
    int skipBlanks(int i) const
    {
        while (i < m_line.size() && isBlank(m_line[i]))
            ++i;
        return i;
    }
    int quotedEnd(int start) const;
    int plainEnd(int start) const;
    int blockScalarHeader(int start);

    QStringView m_line;
    QList<TokenSpan> &m_spans;
    int m_flowDepth = 0;
    int m_parentIndent = 0;
};

// Returns the index after the closing quote, or the line's end when the string runs on.
int YamlLineScanner::quotedEnd(int start) const
{
    const QChar quote = m_line[start];
    int i = start + 1;
    while (i < m_line.size()) {
        if (quote == u'"' && m_line[i] == u'\\') {
            i += 2;
        } else if (m_line[i] == quote) {
            if (quote == u'\'' && at(i + 1) == u'\'') // '' escapes a quote
                i += 2;
            else
                return i + 1;
        } else {
            ++i;
        }
    }
    return int(m_line.size());
}

// Returns the end of a plain scalar without trailing blanks. Plain scalars may contain spaces
// and '#'; they stop at ": ", at " #" (a comment) and, inside [] or {}, at flow indicators.
int YamlLineScanner::plainEnd(int start) const
{
    int end = start + 1;
    for (int i = start; i < m_line.size(); ++i) {
        const QChar c = m_line[i];
        if (i > start && isMappingColon(i))
            break;
        if (c == u'#' && i > start && isBlank(m_line[i - 1]))
            break;
        if (m_flowDepth > 0 && isFlowIndicator(c))
            break;
        if (!isBlank(c))
            end = i + 1;
    }
    return end;
}

// "|", ">", "|-", ">+2" ... followed only by blanks or a comment. Returns the index after the
// header, or -1 when this is not a block scalar header (e.g. ">x" is a plain scalar).
int YamlLineScanner::blockScalarHeader(int start)
{
    int i = start + 1;
    while (i < m_line.size() && (m_line[i] == u'+' || m_line[i] == u'-' || m_line[i].isDigit()))
        ++i;
    const int next = skipBlanks(i);
    if (next < m_line.size() && !(m_line[next] == u'#' && next > i))
        return -1;
    return i;
}

int YamlLineScanner::run()
{
    const int n = int(m_line.size());
    int i = 0;
    m_parentIndent = leadingSpaces(m_line);

    if (m_line.startsWith(u'%')) { // %YAML / %TAG directive
        add(0, n, TokenClass::Tag);
        return NormalState;
    }
    if ((m_line.startsWith(u"---") || m_line.startsWith(u"..."))
        && (n == 3 || isBlank(m_line[3]))) {
        add(0, 3, TokenClass::Keyword);
        i = 3;
    }

    while (i < n) {
        const QChar c = m_line[i];
        if (isBlank(c)) {
            ++i;
            continue;
        }
        if (c == u'#' && (i == 0 || isBlank(m_line[i - 1]))) {
            add(i, n, TokenClass::Comment);
            break;
        }
        if (m_flowDepth == 0 && (c == u'-' || c == u'?') && endsToken(i + 1)) {
            add(i, i + 1, TokenClass::Operator);
            if (c == u'-') // "- key: |" nests the scalar under the entry's mapping
                m_parentIndent = i;
            ++i;
            continue;
        }
        if (c == u'&' || c == u'*' || c == u'!') {
            int end = i + 1;
            while (!endsToken(end))
                ++end;
            add(i, end, c == u'!' ? TokenClass::Tag : TokenClass::Anchor);
            i = end;
            continue;
        }
        if (m_flowDepth == 0 && (c == u'|' || c == u'>')) {
            const int end = blockScalarHeader(i);
            if (end > 0) {
                add(i, end, TokenClass::Operator);
                const int comment = skipBlanks(end);
                add(comment, n, TokenClass::Comment);
                return 1 + std::min(m_parentIndent, MaxParentIndent);
            }
        }
        if (c == u'[' || c == u'{') {
            add(i, i + 1, TokenClass::Operator);
            ++m_flowDepth;
            ++i;
            continue;
        }
        if (c == u']' || c == u'}' || (c == u',' && m_flowDepth > 0)) {
            add(i, i + 1, TokenClass::Operator);
            if (c != u',')
                m_flowDepth = std::max(0, m_flowDepth - 1);
            ++i;
            continue;
        }
        if (isMappingColon(i)) { // a key-less entry such as ": value"
            add(i, i + 1, TokenClass::Operator);
            ++i;
            continue;
        }

        const bool quoted = c == u'"' || c == u'\'';
        const int end = quoted ? quotedEnd(i) : plainEnd(i);
        const int colon = skipBlanks(end);
        // JSON-style {"a":1} allows a quoted key's colon without a following space.
        const bool isKey
            = isMappingColon(colon) || (quoted && m_flowDepth > 0 && at(colon) == u':');
        if (isKey) {
            add(i, end, TokenClass::Key);
            add(colon, colon + 1, TokenClass::Operator);
            m_parentIndent = i;
            i = colon + 1;
            continue;
        }
        add(i, end, quoted ? TokenClass::String : classifyPlainScalar(m_line.mid(i, end - i)));
        i = end;
    }
    return NormalState;
}

} // namespace

int YamlLexer::lexLine(QStringView line, int previousState, QList<TokenSpan> &spans) const
{
    if (previousState > NormalState) {
        const int parentIndent = previousState - 1;
        if (isBlankLine(line))
            return previousState;
        const int indent = leadingSpaces(line);
        if (indent > parentIndent) {
            spans.append({indent, int(line.size()) - indent, TokenClass::String});
            return previousState;
        }
    }
    return YamlLineScanner(line, spans).run();
}

} // namespace ktx
