#include "syntaxhighlighting.h"

#include "builtinhighlighter.h"
#include "highlighttheme.h"
#ifdef KTX_HAVE_KF6_SYNTAX
#include "kf6highlighter.h"
#endif

#include <QLoggingCategory>
#include <QPalette>
#include <QTextDocument>

namespace ktx {

namespace {

Q_LOGGING_CATEGORY(lcHighlight, "ktx.ui.highlight")

// Marks highlighters made by attach(), so a later attach() replaces them but leaves alone any
// highlighter someone else put on the same document.
constexpr char AttachedProperty[] = "ktxSyntaxHighlighting";

} // namespace

SyntaxLanguage syntaxLanguageForFileName(const QString &fileName)
{
    const qsizetype slash = fileName.lastIndexOf(u'/');
    const qsizetype dot = fileName.lastIndexOf(u'.');
    if (dot < 0 || dot < slash)
        return SyntaxLanguage::PlainText;
    const QString suffix = fileName.mid(dot + 1).toLower();
    if (suffix == u"yaml" || suffix == u"yml")
        return SyntaxLanguage::Yaml;
    if (suffix == u"md" || suffix == u"markdown")
        return SyntaxLanguage::Markdown;
    if (suffix == u"sql")
        return SyntaxLanguage::Sql;
    if (suffix == u"json" || suffix == u"jsonl" || suffix == u"ndjson")
        return SyntaxLanguage::Json;
    if (suffix == u"diff" || suffix == u"patch")
        return SyntaxLanguage::Diff;
    return SyntaxLanguage::PlainText;
}

QSyntaxHighlighter *SyntaxHighlighting::attach(QTextDocument *document, SyntaxLanguage language,
                                               const QPalette &palette)
{
    if (!document)
        return nullptr;
    const auto existing = document->findChildren<QSyntaxHighlighter *>(Qt::FindDirectChildrenOnly);
    for (QSyntaxHighlighter *old : existing) {
        // Deleting detaches it from the document and clears its formats immediately.
        if (old->property(AttachedProperty).toBool())
            delete old;
    }
    if (language == SyntaxLanguage::PlainText)
        return nullptr;

    QSyntaxHighlighter *highlighter = nullptr;
#ifdef KTX_HAVE_KF6_SYNTAX
    highlighter = Kf6Highlighter::create(document, language, palette);
#endif
    if (!highlighter)
        highlighter
            = new BuiltinHighlighter(document, language, HighlightTheme::forPalette(palette));
    highlighter->setProperty(AttachedProperty, true);
    return highlighter;
}

void SyntaxHighlighting::updatePalette(QSyntaxHighlighter *highlighter, const QPalette &palette)
{
    if (!highlighter)
        return;
    if (auto *builtin = qobject_cast<BuiltinHighlighter *>(highlighter)) {
        builtin->setTheme(HighlightTheme::forPalette(palette));
        return;
    }
#ifdef KTX_HAVE_KF6_SYNTAX
    if (auto *kf6 = qobject_cast<Kf6Highlighter *>(highlighter)) {
        kf6->applyPalette(palette);
        return;
    }
#endif
    qCWarning(lcHighlight) << "updatePalette: not a highlighter from SyntaxHighlighting::attach:"
                           << highlighter->metaObject()->className();
}

bool SyntaxHighlighting::isDarkPalette(const QPalette &palette)
{
    return HighlightTheme::isDarkPalette(palette);
}

} // namespace ktx
