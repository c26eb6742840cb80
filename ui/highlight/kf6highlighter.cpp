#include "kf6highlighter.h"

#ifdef KTX_HAVE_KF6_SYNTAX

#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/Theme>

namespace ktx {

namespace {

// Loading definitions reads every syntax file's metadata; do it once per process.
KSyntaxHighlighting::Repository &repository()
{
    static KSyntaxHighlighting::Repository instance;
    return instance;
}

QString definitionName(SyntaxLanguage language)
{
    switch (language) {
    case SyntaxLanguage::Yaml:
        return QStringLiteral("YAML");
    case SyntaxLanguage::Markdown:
        return QStringLiteral("Markdown");
    case SyntaxLanguage::Sql:
        return QStringLiteral("SQL");
    case SyntaxLanguage::Json:
        return QStringLiteral("JSON");
    case SyntaxLanguage::Diff:
        return QStringLiteral("Diff");
    case SyntaxLanguage::PlainText:
        break;
    }
    return {};
}

} // namespace

Kf6Highlighter::Kf6Highlighter(QTextDocument *document)
    : KSyntaxHighlighting::SyntaxHighlighter(document)
{ }

Kf6Highlighter *Kf6Highlighter::create(QTextDocument *document, SyntaxLanguage language,
                                       const QPalette &palette)
{
    const KSyntaxHighlighting::Definition definition
        = repository().definitionForName(definitionName(language));
    if (!definition.isValid())
        return nullptr;
    auto *highlighter = new Kf6Highlighter(document);
    highlighter->setTheme(repository().themeForPalette(palette));
    highlighter->setDefinition(definition);
    return highlighter;
}

void Kf6Highlighter::applyPalette(const QPalette &palette)
{
    // setTheme() only swaps colours; the formats already laid out need a new pass.
    setTheme(repository().themeForPalette(palette));
    rehighlight();
}

} // namespace ktx

#endif // KTX_HAVE_KF6_SYNTAX
