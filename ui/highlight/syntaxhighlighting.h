#pragma once

#include <QString>

QT_BEGIN_NAMESPACE
class QPalette;
class QSyntaxHighlighter;
class QTextDocument;
QT_END_NAMESPACE

namespace ktx {

enum class SyntaxLanguage { PlainText, Yaml, Markdown, Sql, Json, Diff };

// By extension, case-insensitive: .yaml/.yml, .md/.markdown, .sql, .json/.jsonl/.ndjson,
// .diff/.patch. Anything else is PlainText.
SyntaxLanguage syntaxLanguageForFileName(const QString &fileName);

// The one entry point views use to colour a QTextDocument. KSyntaxHighlighting is used when the
// build found KF6, otherwise the built-in engine; callers cannot tell the difference.
class SyntaxHighlighting
{
public:
    SyntaxHighlighting() = delete;

    // Replaces any highlighter an earlier attach() put on the document, so switching a view to
    // another file type is one call. Returns a highlighter owned by the document, or nullptr
    // for PlainText or a null document (any previous highlighting is removed then too).
    // Colours are chosen for the palette the document is shown with (dark when its Base
    // lightness is below 128).
    static QSyntaxHighlighter *attach(QTextDocument *document, SyntaxLanguage language,
                                      const QPalette &palette);

    // Re-colours and re-highlights after the view's palette changed (e.g. on
    // QEvent::PaletteChange). Accepts nullptr so callers can pass attach()'s result as is.
    static void updatePalette(QSyntaxHighlighter *highlighter, const QPalette &palette);

    static bool isDarkPalette(const QPalette &palette);
};

} // namespace ktx
