#include "linelexer.h"

#include "difflexer.h"
#include "jsonlexer.h"
#include "markdownlexer.h"
#include "sqllexer.h"
#include "yamllexer.h"

namespace ktx {

std::unique_ptr<LineLexer> LineLexer::create(SyntaxLanguage language)
{
    switch (language) {
    case SyntaxLanguage::PlainText:
        return nullptr;
    case SyntaxLanguage::Yaml:
        return std::make_unique<YamlLexer>();
    case SyntaxLanguage::Markdown:
        return std::make_unique<MarkdownLexer>();
    case SyntaxLanguage::Sql:
        return std::make_unique<SqlLexer>();
    case SyntaxLanguage::Json:
        return std::make_unique<JsonLexer>();
    case SyntaxLanguage::Diff:
        return std::make_unique<DiffLexer>();
    }
    return nullptr;
}

} // namespace ktx
