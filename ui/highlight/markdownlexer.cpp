#include "markdownlexer.h"

#include <QRegularExpression>

#include <algorithm>
#include <optional>

namespace ktx {

namespace {

// The block construct a line continues, packed into the int state:
// bits 0-1 kind, bit 2 '~' fence, bits 3-7 fence length, bits 8-10 embedded language,
// bits 11-30 the embedded lexer's own state.
struct BlockState
{
    enum Kind { Paragraph = 0, FrontMatter = 1, Fence = 2, HtmlComment = 3 };

    Kind kind = Paragraph;
    bool tildeFence = false;
    int fenceLength = 0;
    SyntaxLanguage embedded = SyntaxLanguage::PlainText;
    int embeddedState = 0;

    static constexpr int MaxFenceLength = 31;
    static constexpr int MaxEmbeddedState = (1 << 20) - 1;

    static BlockState unpack(int state)
    {
        BlockState s;
        if (state <= 0)
            return s;
        s.kind = static_cast<Kind>(state & 0x3);
        s.tildeFence = state & 0x4;
        s.fenceLength = (state >> 3) & 0x1f;
        s.embedded = static_cast<SyntaxLanguage>((state >> 8) & 0x7);
        s.embeddedState = state >> 11;
        return s;
    }

    int pack() const
    {
        return int(kind) | (tildeFence ? 0x4 : 0) | (std::min(fenceLength, MaxFenceLength) << 3)
            | (int(embedded) << 8) | (std::clamp(embeddedState, 0, MaxEmbeddedState) << 11);
    }
};

bool isBlank(QChar c)
{
    return c == u' ' || c == u'\t';
}

bool isYamlDocumentMarker(QStringView line)
{
    const QStringView trimmed = line.trimmed();
    return line.startsWith(trimmed) && (trimmed == u"---" || trimmed == u"...");
}

struct Fence
{
    QChar marker;
    int length = 0;
    QStringView info;
};

// "```lang" / "~~~" with at most three spaces of indentation; backtick fences cannot carry
// backticks in their info string (that would be an inline code span).
std::optional<Fence> parseFence(QStringView line)
{
    int i = 0;
    while (i < line.size() && i < 4 && line[i] == u' ')
        ++i;
    if (i > 3 || i >= line.size() || (line[i] != u'`' && line[i] != u'~'))
        return std::nullopt;
    Fence fence;
    fence.marker = line[i];
    int end = i;
    while (end < line.size() && line[end] == fence.marker)
        ++end;
    fence.length = end - i;
    if (fence.length < 3)
        return std::nullopt;
    fence.info = line.mid(end).trimmed();
    if (fence.marker == u'`' && fence.info.contains(u'`'))
        return std::nullopt;
    return fence;
}

bool closesFence(QStringView line, const BlockState &state)
{
    const auto fence = parseFence(line);
    return fence && fence->info.isEmpty() && fence->length >= state.fenceLength
        && (fence->marker == u'~') == state.tildeFence;
}

SyntaxLanguage languageForInfo(QStringView info)
{
    int end = 0;
    while (end < info.size() && !isBlank(info[end]) && info[end] != u'{')
        ++end;
    if (end == 0)
        return SyntaxLanguage::PlainText;
    const SyntaxLanguage language
        = syntaxLanguageForFileName(QStringLiteral("fence.") + info.left(end).toString());
    // No Markdown inside Markdown: the state has room for one level of embedding.
    return language == SyntaxLanguage::Markdown ? SyntaxLanguage::PlainText : language;
}

class InlineScanner
{
public:
    InlineScanner(QStringView line, QList<TokenSpan> &spans)
        : m_line(line)
        , m_spans(spans)
    { }

    // Returns true when an HTML comment is left open at the end of the line.
    bool run(int from);

private:
    void add(int start, int end, TokenClass token)
    {
        if (end > start)
            m_spans.append({start, end - start, token});
    }
    QChar at(int i) const { return i >= 0 && i < m_line.size() ? m_line[i] : QChar(); }
    int codeSpanEnd(int start, int ticks) const;
    int emphasisEnd(int start, QChar marker, int count) const;
    int linkEnd(int start, int *textEnd) const;
    int bareUrlEnd(int start) const;

    QStringView m_line;
    QList<TokenSpan> &m_spans;
};

// Index after the closing run of exactly `ticks` backticks, or -1.
int InlineScanner::codeSpanEnd(int start, int ticks) const
{
    int i = start + ticks;
    while (i < m_line.size()) {
        if (m_line[i] != u'`') {
            ++i;
            continue;
        }
        int run = i;
        while (run < m_line.size() && m_line[run] == u'`')
            ++run;
        if (run - i == ticks)
            return run;
        i = run;
    }
    return -1;
}

// Index after the closing delimiter run, or -1. Closers must follow a non-blank character;
// '_' additionally must not be inside a word, so snake_case_names stay plain.
int InlineScanner::emphasisEnd(int start, QChar marker, int count) const
{
    for (int i = start + count + 1; i + count <= m_line.size(); ++i) {
        if (m_line[i] == u'`') { // code spans hide delimiters
            int ticks = 0;
            while (at(i + ticks) == u'`')
                ++ticks;
            const int end = codeSpanEnd(i, ticks);
            i = (end < 0 ? i + ticks : end) - 1;
            continue;
        }
        bool run = true;
        for (int k = 0; k < count && run; ++k)
            run = m_line[i + k] == marker;
        if (!run || isBlank(m_line[i - 1]) || at(i + count) == marker || at(i - 1) == marker)
            continue;
        if (marker == u'_' && at(i + count).isLetterOrNumber())
            continue;
        return i + count;
    }
    return -1;
}

// [text](target) or [text][ref]; returns the index after the link and sets textEnd to the
// index after ']', or returns -1.
int InlineScanner::linkEnd(int start, int *textEnd) const
{
    int depth = 0;
    int i = start;
    for (; i < m_line.size(); ++i) {
        if (m_line[i] == u'\\') {
            ++i;
        } else if (m_line[i] == u'[') {
            ++depth;
        } else if (m_line[i] == u']' && --depth == 0) {
            break;
        }
    }
    if (i >= m_line.size())
        return -1;
    *textEnd = i + 1;
    const QChar open = at(i + 1);
    if (open != u'(' && open != u'[')
        return -1;
    const int close = int(m_line.indexOf(open == u'(' ? u')' : u']', i + 2));
    return close < 0 ? -1 : close + 1;
}

int InlineScanner::bareUrlEnd(int start) const
{
    const QStringView rest = m_line.mid(start);
    if (!rest.startsWith(u"https://") && !rest.startsWith(u"http://"))
        return -1;
    if (at(start - 1).isLetterOrNumber())
        return -1;
    int end = start;
    while (end < m_line.size() && !m_line[end].isSpace() && m_line[end] != u'<')
        ++end;
    // Trailing punctuation belongs to the sentence, not the URL.
    while (end > start && QStringView(u".,;:!?)'\"").contains(m_line[end - 1]))
        --end;
    return end;
}

bool InlineScanner::run(int from)
{
    static const QRegularExpression autolink(
        QStringLiteral(R"(^<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>)"));
    const int n = int(m_line.size());
    int i = from;
    while (i < n) {
        const QChar c = m_line[i];
        if (c == u'\\' && i + 1 < n && m_line[i + 1].isPunct()) {
            i += 2;
        } else if (c == u'`') {
            int ticks = 0;
            while (at(i + ticks) == u'`')
                ++ticks;
            const int end = codeSpanEnd(i, ticks);
            if (end > 0)
                add(i, end, TokenClass::Code);
            i = end > 0 ? end : i + ticks;
        } else if (c == u'<' && m_line.mid(i).startsWith(u"<!--")) {
            const int close = int(m_line.indexOf(u"-->", i + 4));
            if (close < 0) {
                add(i, n, TokenClass::Comment);
                return true;
            }
            add(i, close + 3, TokenClass::Comment);
            i = close + 3;
        } else if (c == u'<') {
            const auto match = autolink.match(m_line.mid(i).toString());
            const int end = match.hasMatch() ? i + int(match.capturedLength()) : i + 1;
            if (match.hasMatch())
                add(i, end, TokenClass::Link);
            i = end;
        } else if (c == u'[' || (c == u'!' && at(i + 1) == u'[')) {
            int textEnd = 0;
            const int end = linkEnd(c == u'!' ? i + 1 : i, &textEnd);
            if (end < 0) {
                ++i;
                continue;
            }
            add(i, textEnd, TokenClass::Link);
            add(textEnd, end, at(textEnd) == u'(' ? TokenClass::String : TokenClass::Link);
            i = end;
        } else if (c == u'*' || c == u'_') {
            int run = 0;
            while (at(i + run) == c)
                ++run;
            const bool opens = !at(i + run).isSpace() && !at(i + run).isNull()
                && !(c == u'_' && at(i - 1).isLetterOrNumber());
            const int count = std::min(run, 2);
            const int end = opens ? emphasisEnd(i + run - count, c, count) : -1;
            if (end > 0) {
                add(i, end, count == 2 ? TokenClass::Strong : TokenClass::Emphasis);
                i = end;
            } else {
                i += run;
            }
        } else if (const int end = bareUrlEnd(i); end > i) {
            add(i, end, TokenClass::Link);
            i = end;
        } else {
            ++i;
        }
    }
    return false;
}

// Block quote markers, list bullets and ordinals, and task boxes at the start of a line.
// Returns where inline content begins.
int lexBlockPrefix(QStringView line, QList<TokenSpan> &spans)
{
    static const QRegularExpression prefix(
        QStringLiteral(R"(^(\s*>)*\s*(?:[-*+]|\d{1,9}[.)])(?:\s+\[[ xX]\])?(?=\s|$)|^(\s*>)+)"));
    const auto match = prefix.match(line.toString());
    if (!match.hasMatch())
        return 0;
    const int end = int(match.capturedLength());
    for (int i = 0; i < end; ++i) {
        if (!line[i].isSpace()) {
            int tokenEnd = i + 1;
            while (tokenEnd < end && !line[tokenEnd].isSpace() && line[tokenEnd] != u'>')
                ++tokenEnd;
            if (line[i] == u'[') // keep "[ ]" together
                tokenEnd = int(line.indexOf(u']', i)) + 1;
            spans.append({i, tokenEnd - i, TokenClass::Operator});
            i = tokenEnd - 1;
        }
    }
    return end;
}

} // namespace

const LineLexer *MarkdownLexer::embeddedLexer(SyntaxLanguage language) const
{
    switch (language) {
    case SyntaxLanguage::Yaml:
        return &m_yaml;
    case SyntaxLanguage::Sql:
        return &m_sql;
    case SyntaxLanguage::Json:
        return &m_json;
    case SyntaxLanguage::Diff:
        return &m_diff;
    case SyntaxLanguage::PlainText:
    case SyntaxLanguage::Markdown:
        break;
    }
    return nullptr;
}

int MarkdownLexer::lexLine(QStringView line, int previousState, QList<TokenSpan> &spans) const
{
    const int n = int(line.size());
    BlockState state = BlockState::unpack(previousState);

    switch (state.kind) {
    case BlockState::FrontMatter:
        if (isYamlDocumentMarker(line)) {
            spans.append({0, 3, TokenClass::Keyword});
            return BlockState().pack();
        }
        state.embeddedState = m_yaml.lexLine(line, state.embeddedState, spans);
        return state.pack();
    case BlockState::Fence:
        if (closesFence(line, state)) {
            if (n > 0)
                spans.append({0, n, TokenClass::Code});
            return BlockState().pack();
        }
        if (const LineLexer *lexer = embeddedLexer(state.embedded)) {
            state.embeddedState = lexer->lexLine(line, state.embeddedState, spans);
        } else if (n > 0) {
            spans.append({0, n, TokenClass::Code});
        }
        return state.pack();
    case BlockState::HtmlComment: {
        const int close = int(line.indexOf(u"-->"));
        if (close < 0) {
            if (n > 0)
                spans.append({0, n, TokenClass::Comment});
            return state.pack();
        }
        spans.append({0, close + 3, TokenClass::Comment});
        BlockState after;
        if (InlineScanner(line, spans).run(close + 3))
            after.kind = BlockState::HtmlComment;
        return after.pack();
    }
    case BlockState::Paragraph:
        break;
    }

    // Front matter only counts on a document's very first line.
    if (previousState == DocumentStart && line.trimmed() == u"---" && line.startsWith(u"---")) {
        spans.append({0, 3, TokenClass::Keyword});
        BlockState frontMatter;
        frontMatter.kind = BlockState::FrontMatter;
        return frontMatter.pack();
    }
    if (const auto fence = parseFence(line)) {
        spans.append({0, n, TokenClass::Code});
        BlockState code;
        code.kind = BlockState::Fence;
        code.tildeFence = fence->marker == u'~';
        code.fenceLength = fence->length;
        code.embedded = languageForInfo(fence->info);
        return code.pack();
    }
    static const QRegularExpression heading(QStringLiteral(R"(^ {0,3}#{1,6}(?:\s|$))"));
    if (heading.match(line.toString()).hasMatch()) {
        spans.append({0, n, TokenClass::Heading});
        return BlockState().pack();
    }
    // Thematic breaks and setext underlines.
    static const QRegularExpression rule(QStringLiteral(R"(^ {0,3}(?:(?:[-*_=]\s*){3,})$)"));
    if (rule.match(line.toString()).hasMatch()) {
        spans.append({0, n, TokenClass::Operator});
        return BlockState().pack();
    }

    BlockState next;
    if (InlineScanner(line, spans).run(lexBlockPrefix(line, spans)))
        next.kind = BlockState::HtmlComment;
    return next.pack();
}

} // namespace ktx
