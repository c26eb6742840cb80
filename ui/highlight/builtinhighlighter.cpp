#include "builtinhighlighter.h"

#include <QTextBlock>

namespace ktx {

BuiltinHighlighter::BuiltinHighlighter(QTextDocument *document, SyntaxLanguage language,
                                       const HighlightTheme &theme)
    : QSyntaxHighlighter(document) // first highlight runs from the event loop, after this body
    , m_language(language)
    , m_lexer(LineLexer::create(language))
    , m_theme(theme)
{
    cacheFormats();
}

BuiltinHighlighter::~BuiltinHighlighter() = default;

void BuiltinHighlighter::setTheme(const HighlightTheme &theme)
{
    m_theme = theme;
    cacheFormats();
    rehighlight();
}

void BuiltinHighlighter::cacheFormats()
{
    for (int i = 0; i < TokenClassCount; ++i)
        m_formats[i] = m_theme.format(static_cast<TokenClass>(i));
}

void BuiltinHighlighter::highlightBlock(const QString &text)
{
    if (!m_lexer)
        return;
    // Ask the block itself rather than trusting -1 from previousBlockState(), which also means
    // "never highlighted"; only the real first line may open Markdown front matter.
    const bool firstBlock = !currentBlock().previous().isValid();
    const int previousState
        = firstBlock ? LineLexer::DocumentStart : std::max(previousBlockState(), 0);

    m_spans.clear();
    const int state = m_lexer->lexLine(text, previousState, m_spans);
    for (const TokenSpan &span : std::as_const(m_spans))
        setFormat(span.start, span.length, m_formats[static_cast<int>(span.token)]);
    // QSyntaxHighlighter re-runs the next block only when this differs from its stored state.
    setCurrentBlockState(state);
}

} // namespace ktx
