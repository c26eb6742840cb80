#pragma once

#include "highlighttheme.h"
#include "linelexer.h"
#include "syntaxhighlighting.h"

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

#include <array>
#include <memory>

namespace ktx {

// Drives one language's LineLexer from QSyntaxHighlighter and paints its tokens with a
// HighlightTheme. Always available; used whenever KSyntaxHighlighting is not.
class BuiltinHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT

public:
    BuiltinHighlighter(QTextDocument *document, SyntaxLanguage language,
                       const HighlightTheme &theme);
    ~BuiltinHighlighter() override;

    SyntaxLanguage language() const { return m_language; }
    const HighlightTheme &theme() const { return m_theme; }
    // Re-highlights the whole document in the new colours.
    void setTheme(const HighlightTheme &theme);

protected:
    void highlightBlock(const QString &text) override;

private:
    void cacheFormats();

    SyntaxLanguage m_language;
    std::unique_ptr<LineLexer> m_lexer;
    HighlightTheme m_theme;
    // Built once per theme: highlightBlock runs for every visible edit.
    std::array<QTextCharFormat, TokenClassCount> m_formats;
    QList<TokenSpan> m_spans; // reused between blocks to avoid reallocating
};

} // namespace ktx
