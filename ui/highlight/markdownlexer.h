#pragma once

#include "difflexer.h"
#include "jsonlexer.h"
#include "linelexer.h"
#include "sqllexer.h"
#include "yamllexer.h"

namespace ktx {

// CommonMark's common constructs: ATX headings, block quotes, list markers, emphasis, code
// spans, links, HTML comments, fenced code blocks and a leading "---" YAML front-matter block.
// Front matter and fences tagged yaml/sql/json/diff are highlighted by those languages' lexers,
// whose state rides along inside ours.
class MarkdownLexer : public LineLexer
{
public:
    int lexLine(QStringView line, int previousState, QList<TokenSpan> &spans) const override;

private:
    const LineLexer *embeddedLexer(SyntaxLanguage language) const;

    YamlLexer m_yaml;
    SqlLexer m_sql;
    JsonLexer m_json;
    DiffLexer m_diff;
};

} // namespace ktx
