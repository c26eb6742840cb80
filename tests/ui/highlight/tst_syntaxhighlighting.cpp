#include "highlight/builtinhighlighter.h"
#include "highlight/highlighttheme.h"
#include "highlight/linelexer.h"
#include "highlight/sqllexer.h"
#include "highlight/syntaxhighlighting.h"

#include <QAbstractTextDocumentLayout>
#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QPalette>
#include <QPointer>
#include <QRandomGenerator>
#include <QTest>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextLayout>

#include <optional>

using namespace ktx;

namespace {

// QStyleFactory's Fusion standardPalette() (light), spelled out so the test needs no widgets.
QPalette fusionLightPalette()
{
    QPalette palette(QColor(0xefefef));
    palette.setColor(QPalette::Window, QColor(0xefefef));
    palette.setColor(QPalette::WindowText, Qt::black);
    palette.setColor(QPalette::Base, Qt::white);
    palette.setColor(QPalette::AlternateBase, QColor(0xf7f7f7));
    palette.setColor(QPalette::Text, Qt::black);
    palette.setColor(QPalette::Highlight, QColor(0x308cc6));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    return palette;
}

QPalette paletteWith(QColor window, QColor base, QColor text)
{
    QPalette palette(window);
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, base.lighter(110));
    palette.setColor(QPalette::Text, text);
    return palette;
}

QPalette typicalDarkPalette()
{
    return paletteWith(QColor(0x2d2d2d), QColor(0x1e1e1e), QColor(0xdcdcdc));
}

QString tokenName(std::optional<TokenClass> token)
{
    return token ? QString::fromLatin1(tokenClassName(*token)) : QStringLiteral("(none)");
}

// The token the highlighter put on the character at position, read back from the block's
// layout the way it will be painted.
std::optional<TokenClass> tokenAt(const QTextDocument &document, int position)
{
    const QTextBlock block = document.findBlock(position);
    const int offset = position - block.position();
    const auto ranges = block.layout()->formats();
    for (const QTextLayout::FormatRange &range : ranges) {
        if (offset < range.start || offset >= range.start + range.length)
            continue;
        const QVariant token = range.format.property(HighlightTheme::TokenClassProperty);
        if (token.isValid())
            return static_cast<TokenClass>(token.toInt());
    }
    return std::nullopt;
}

QTextCharFormat formatAt(const QTextDocument &document, int position)
{
    const QTextBlock block = document.findBlock(position);
    const int offset = position - block.position();
    const auto ranges = block.layout()->formats();
    for (const QTextLayout::FormatRange &range : ranges) {
        if (offset >= range.start && offset < range.start + range.length)
            return range.format;
    }
    return {};
}

// A needle is the text to check; «» inside it marks the part to check when the surrounding
// text is only there to pick the right occurrence. Returns {position, length} or {-1, 0}.
std::pair<int, int> locate(const QString &text, const QString &needle)
{
    QString plain = needle;
    plain.remove(u'«').remove(u'»');
    const int found = int(text.indexOf(plain));
    const int open = int(needle.indexOf(u'«'));
    if (found < 0 || open < 0)
        return {found, int(plain.size())};
    const int close = int(needle.indexOf(u'»'));
    return {found + open, close - open - 1};
}

const char *const Samples[][2] = {
    {"yaml", R"(# ktx project
project: orders-demo
version: 2
connections:
  - name: warehouse
    driver: sqlite  # local file
    path: "data/orders.db"
    readonly: true
    retries: ~
defaults: &defaults
  timeout: 30s
  url: http://localhost:8080/a#b
jobs:
  nightly:
    <<: *defaults
    tags: [etl, "daily"]
    description: |
      Rebuild the semantic layer.
      note: this line is text, not a key
    query: !!str 'select 1'
)"},
    {"markdown", R"(---
title: Orders
tags: [sales]
---
# Orders model

Counts **paid** orders per *region*; see `ktx run` and [the docs](https://ktx.dev/docs).

```sql
SELECT region, count(*) FROM orders WHERE paid = TRUE GROUP BY region;
```

> Note: snake_case_names stay plain.
- item one
)"},
    {"sql", R"(/* nightly rollup
   of paid orders */
WITH paid AS (
  SELECT o.region, SUM(o.total) AS revenue -- gross
  FROM orders o LEFT JOIN refunds r ON r.order_id = o.id
  WHERE o.status = 'paid' AND r.id IS NULL
)
SELECT region, revenue FROM paid ORDER BY revenue DESC LIMIT 10;
)"},
    {"json", R"({"name": "orders", "rows": 1200, "ratio": -0.25e-3,
 "ok": true, "owner": null, "tags": ["a", "b:c"]}
)"},
    {"diff", R"(diff --git a/models/orders.yaml b/models/orders.yaml
index 3b18e51..a9c1f02 100644
--- a/models/orders.yaml
+++ b/models/orders.yaml
@@ -1,4 +1,4 @@ models:
 name: orders
-owner: sales
+owner: finance
 grain: order_id
 measures: [revenue]
)"},
};

SyntaxLanguage languageNamed(const char *name)
{
    return syntaxLanguageForFileName(QStringLiteral("sample.") + QLatin1String(name));
}

} // namespace

class TestSyntaxHighlighting : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void languageForFileName_data();
    void languageForFileName();
    void tokens_data();
    void tokens();
    void untokenized_data();
    void untokenized();
    void sqlKeywordsFromIssue();
    void spansAreOrderedAndInBounds_data();
    void spansAreOrderedAndInBounds();
    void lexersSurviveArbitraryInput();
    void editReHighlightsFollowingLines();
    void attachOwnsAndReplaces();
    void themeContrast_data();
    void themeContrast();
    void updatePaletteRecolours();
    void render_data();
    void render();
};

void TestSyntaxHighlighting::languageForFileName_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<SyntaxLanguage>("expected");
    QTest::addRow("yaml") << "ktx.yaml" << SyntaxLanguage::Yaml;
    QTest::addRow("yml upper") << "/p/CONFIG.YML" << SyntaxLanguage::Yaml;
    QTest::addRow("md") << "docs/README.md" << SyntaxLanguage::Markdown;
    QTest::addRow("sql") << "q.sql" << SyntaxLanguage::Sql;
    QTest::addRow("json") << "a.json" << SyntaxLanguage::Json;
    QTest::addRow("jsonl") << "events.jsonl" << SyntaxLanguage::Json;
    QTest::addRow("diff") << "x.diff" << SyntaxLanguage::Diff;
    QTest::addRow("patch") << "0001-fix.patch" << SyntaxLanguage::Diff;
    QTest::addRow("txt") << "notes.txt" << SyntaxLanguage::PlainText;
    QTest::addRow("no suffix") << "Makefile" << SyntaxLanguage::PlainText;
    QTest::addRow("dot in directory") << "conf.yaml/file" << SyntaxLanguage::PlainText;
}

void TestSyntaxHighlighting::languageForFileName()
{
    QFETCH(QString, fileName);
    QFETCH(SyntaxLanguage, expected);
    QCOMPARE(syntaxLanguageForFileName(fileName), expected);
}

void TestSyntaxHighlighting::tokens_data()
{
    QTest::addColumn<SyntaxLanguage>("language");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("needle");
    QTest::addColumn<TokenClass>("expected");

    const auto yaml = SyntaxLanguage::Yaml;
    const QString config = QStringLiteral("  driver: sqlite  # comment");
    QTest::addRow("yaml key") << yaml << config << "driver" << TokenClass::Key;
    QTest::addRow("yaml colon") << yaml << config << ":" << TokenClass::Operator;
    QTest::addRow("yaml plain value") << yaml << config << "sqlite" << TokenClass::String;
    QTest::addRow("yaml comment") << yaml << config << "# comment" << TokenClass::Comment;
    QTest::addRow("yaml number") << yaml << "port: 5432"
                                 << "5432" << TokenClass::Number;
    QTest::addRow("yaml float") << yaml << "ratio: -1.5e3"
                                << "-1.5e3" << TokenClass::Number;
    QTest::addRow("yaml true") << yaml << "enabled: true"
                               << "true" << TokenClass::Constant;
    QTest::addRow("yaml null tilde") << yaml << "x: ~"
                                     << "~" << TokenClass::Constant;
    QTest::addRow("yaml # in double quotes") << yaml << "name: \"a # not a comment\""
                                             << "# not a comment" << TokenClass::String;
    QTest::addRow("yaml # in single quotes") << yaml << "name: 'it''s #1' # real"
                                             << "'it''s #1'" << TokenClass::String;
    QTest::addRow("yaml comment after quotes") << yaml << "name: 'it''s #1' # real"
                                               << "# real" << TokenClass::Comment;
    QTest::addRow("yaml a#b is not a comment") << yaml << "ref: a#b"
                                               << "a#b" << TokenClass::String;
    QTest::addRow("yaml url with # and :") << yaml << "url: http://h:8080/p#x # c"
                                           << "http://h:8080/p#x" << TokenClass::String;
    QTest::addRow("yaml a:b is not a key") << yaml << "a:b"
                                           << "a:b" << TokenClass::String;
    QTest::addRow("yaml value with spaces") << yaml << "title: Orders by region # c"
                                            << "Orders by region" << TokenClass::String;
    QTest::addRow("yaml key with spaces") << yaml << "my key: 1"
                                          << "my key" << TokenClass::Key;
    QTest::addRow("yaml double-quoted key") << yaml << "\"quoted: key\": 1"
                                            << "\"quoted: key\"" << TokenClass::Key;
    QTest::addRow("yaml single-quoted key") << yaml << "'a#b': 1"
                                            << "'a#b'" << TokenClass::Key;
    QTest::addRow("yaml sequence key") << yaml << "- name: orders"
                                       << "name" << TokenClass::Key;
    QTest::addRow("yaml sequence dash") << yaml << "  - name: orders"
                                        << "-" << TokenClass::Operator;
    QTest::addRow("yaml nested sequence key") << yaml << "items:\n  - - id: 1"
                                              << "id" << TokenClass::Key;
    QTest::addRow("yaml sequence scalar") << yaml << "- orders"
                                          << "orders" << TokenClass::String;
    QTest::addRow("yaml anchor") << yaml << "base: &defaults\n  a: 1"
                                 << "&defaults" << TokenClass::Anchor;
    QTest::addRow("yaml alias") << yaml << "<<: *defaults"
                                << "*defaults" << TokenClass::Anchor;
    QTest::addRow("yaml merge key") << yaml << "<<: *defaults"
                                    << "<<" << TokenClass::Key;
    QTest::addRow("yaml tag") << yaml << "n: !!str 42"
                              << "!!str" << TokenClass::Tag;
    QTest::addRow("yaml local tag") << yaml << "- !Ref name"
                                    << "!Ref" << TokenClass::Tag;
    QTest::addRow("yaml document start") << yaml << "---\na: 1"
                                         << "---" << TokenClass::Keyword;
    QTest::addRow("yaml document end") << yaml << "a: 1\n..."
                                       << "..." << TokenClass::Keyword;
    QTest::addRow("yaml directive") << yaml << "%YAML 1.2\n---"
                                    << "%YAML 1.2" << TokenClass::Tag;
    QTest::addRow("yaml flow key") << yaml << "m: {a: 1, \"b\": [x, y]}"
                                   << "«a»: 1" << TokenClass::Key;
    QTest::addRow("yaml flow quoted key") << yaml << "m: {a: 1, \"b\": [x, y]}"
                                          << "\"b\"" << TokenClass::Key;
    QTest::addRow("yaml flow item") << yaml << "m: {a: 1, \"b\": [x, y]}"
                                    << "x" << TokenClass::String;
    QTest::addRow("yaml flow bracket") << yaml << "m: [x, y]"
                                       << "[" << TokenClass::Operator;

    const QString blockScalar = QStringLiteral("job:\n"
                                               "  description: |\n"
                                               "    driver: not a key\n"
                                               "    # not a comment either\n"
                                               "\n"
                                               "    - not: a sequence\n"
                                               "  next: 1\n"
                                               "top: 2\n");
    QTest::addRow("yaml block scalar header") << yaml << blockScalar << "|" << TokenClass::Operator;
    QTest::addRow("yaml block scalar key-like line")
        << yaml << blockScalar << "driver: not a key" << TokenClass::String;
    QTest::addRow("yaml block scalar comment-like line")
        << yaml << blockScalar << "# not a comment either" << TokenClass::String;
    QTest::addRow("yaml block scalar after blank line")
        << yaml << blockScalar << "- not: a sequence" << TokenClass::String;
    QTest::addRow("yaml key after block scalar")
        << yaml << blockScalar << "next" << TokenClass::Key;
    QTest::addRow("yaml top key after block scalar")
        << yaml << blockScalar << "top" << TokenClass::Key;
    const QString folded = QStringLiteral("steps:\n"
                                          "  - run: >- # folded\n"
                                          "      echo a: b\n"
                                          "  - other: 1\n");
    QTest::addRow("yaml folded scalar in sequence")
        << yaml << folded << "echo a: b" << TokenClass::String;
    QTest::addRow("yaml folded header comment")
        << yaml << folded << "# folded" << TokenClass::Comment;
    QTest::addRow("yaml key after folded scalar") << yaml << folded << "other" << TokenClass::Key;
    QTest::addRow("yaml > inside a value is text") << yaml << "cmp: a > b\nnext: 1"
                                                   << "next" << TokenClass::Key;

    const auto md = SyntaxLanguage::Markdown;
    QTest::addRow("md heading") << md << "# Orders model"
                                << "Orders model" << TokenClass::Heading;
    QTest::addRow("md h3") << md << "text\n### Three"
                           << "### Three" << TokenClass::Heading;
    QTest::addRow("md emphasis") << md << "some *region* text"
                                 << "*region*" << TokenClass::Emphasis;
    QTest::addRow("md underscore emphasis") << md << "an _aside_ here"
                                            << "_aside_" << TokenClass::Emphasis;
    QTest::addRow("md strong") << md << "Counts **paid** orders"
                               << "**paid**" << TokenClass::Strong;
    QTest::addRow("md code span") << md << "run `ktx run *all*` now"
                                  << "`ktx run *all*`" << TokenClass::Code;
    QTest::addRow("md double-tick code span") << md << "use ``a ` b`` here"
                                              << "``a ` b``" << TokenClass::Code;
    QTest::addRow("md link text") << md << "see [the docs](https://ktx.dev)"
                                  << "[the docs]" << TokenClass::Link;
    QTest::addRow("md link target") << md << "see [the docs](https://ktx.dev)"
                                    << "(https://ktx.dev)" << TokenClass::String;
    QTest::addRow("md image") << md << "![chart](c.png)"
                              << "![chart]" << TokenClass::Link;
    QTest::addRow("md autolink") << md << "at <https://ktx.dev>"
                                 << "<https://ktx.dev>" << TokenClass::Link;
    QTest::addRow("md bare url") << md << "at https://ktx.dev/x."
                                 << "https://ktx.dev/x" << TokenClass::Link;
    QTest::addRow("md list marker") << md << "- item"
                                    << "-" << TokenClass::Operator;
    QTest::addRow("md ordered list") << md << "12. item"
                                     << "12." << TokenClass::Operator;
    QTest::addRow("md task box") << md << "- [x] done"
                                 << "[x]" << TokenClass::Operator;
    QTest::addRow("md quote marker") << md << "> quoted"
                                     << ">" << TokenClass::Operator;
    QTest::addRow("md thematic break") << md << "text\n\n---\n"
                                       << "---" << TokenClass::Operator;

    const QString fenced = QStringLiteral("intro\n"
                                          "```\n"
                                          "# not a heading\n"
                                          "*not emphasis*\n"
                                          "```\n"
                                          "# Heading\n");
    QTest::addRow("md fence line") << md << fenced << "```" << TokenClass::Code;
    QTest::addRow("md fenced heading-like line")
        << md << fenced << "# not a heading" << TokenClass::Code;
    QTest::addRow("md fenced emphasis-like line")
        << md << fenced << "*not emphasis*" << TokenClass::Code;
    QTest::addRow("md heading after fence") << md << fenced << "# Heading" << TokenClass::Heading;
    const QString longFence = QStringLiteral("~~~~\n```\n# still code\n~~~~\n# out\n");
    QTest::addRow("md inner fence does not close")
        << md << longFence << "# still code" << TokenClass::Code;
    QTest::addRow("md after tilde fence") << md << longFence << "# out" << TokenClass::Heading;
    const QString sqlFence = QStringLiteral("```sql\n"
                                            "select count(*) from t -- n\n"
                                            "/* open\n"
                                            "# inside sql comment\n"
                                            "*/\n"
                                            "```\n"
                                            "## After\n");
    QTest::addRow("md sql fence keyword") << md << sqlFence << "select" << TokenClass::Keyword;
    QTest::addRow("md sql fence function") << md << sqlFence << "count" << TokenClass::Function;
    QTest::addRow("md sql fence carries comment state")
        << md << sqlFence << "# inside sql comment" << TokenClass::Comment;
    QTest::addRow("md heading after sql fence")
        << md << sqlFence << "## After" << TokenClass::Heading;
    QTest::addRow("md yaml fence") << md << "```yaml\nkey: 1\n```"
                                   << "key" << TokenClass::Key;
    QTest::addRow("md json fence") << md << "```json\n{\"k\": 1}\n```"
                                   << "\"k\"" << TokenClass::Key;

    const QString frontMatter = QStringLiteral("---\n"
                                               "title: Orders\n"
                                               "summary: |\n"
                                               "  a: text\n"
                                               "---\n"
                                               "# Body\n"
                                               "title: not yaml\n");
    QTest::addRow("md front matter open") << md << frontMatter << "---" << TokenClass::Keyword;
    QTest::addRow("md front matter key") << md << frontMatter << "title" << TokenClass::Key;
    QTest::addRow("md front matter value") << md << frontMatter << "Orders" << TokenClass::String;
    QTest::addRow("md front matter block scalar")
        << md << frontMatter << "a: text" << TokenClass::String;
    QTest::addRow("md front matter close")
        << md << frontMatter << "«---»\n# Body" << TokenClass::Keyword;
    QTest::addRow("md heading after front matter")
        << md << frontMatter << "# Body" << TokenClass::Heading;
    QTest::addRow("md html comment") << md << "<!-- start\n# hidden\n-->\n# shown"
                                     << "# hidden" << TokenClass::Comment;
    QTest::addRow("md after html comment") << md << "<!-- start\n# hidden\n-->\n# shown"
                                           << "# shown" << TokenClass::Heading;

    const auto sql = SyntaxLanguage::Sql;
    const QString query = QStringLiteral("SELECT id, total FROM orders WHERE total >= 10.5");
    QTest::addRow("sql SELECT") << sql << query << "SELECT" << TokenClass::Keyword;
    QTest::addRow("sql FROM") << sql << query << "FROM" << TokenClass::Keyword;
    QTest::addRow("sql WHERE") << sql << query << "WHERE" << TokenClass::Keyword;
    QTest::addRow("sql operator") << sql << query << ">=" << TokenClass::Operator;
    QTest::addRow("sql number") << sql << query << "10.5" << TokenClass::Number;
    QTest::addRow("sql lower-case keyword") << sql << "select a from t"
                                            << "select" << TokenClass::Keyword;
    QTest::addRow("sql mixed-case keyword") << sql << "SeLeCt a FrOm t"
                                            << "FrOm" << TokenClass::Keyword;
    QTest::addRow("sql keyword in string") << sql << "SELECT * FROM t WHERE kind = 'select'"
                                           << "'select'" << TokenClass::String;
    QTest::addRow("sql escaped quote in string") << sql << "SELECT 'it''s from' FROM t"
                                                 << "'it''s from'" << TokenClass::String;
    QTest::addRow("sql keyword after string") << sql << "SELECT 'it''s from' FROM t"
                                              << "FROM" << TokenClass::Keyword;
    QTest::addRow("sql line comment") << sql << "SELECT 1 -- select more"
                                      << "-- select more" << TokenClass::Comment;
    const QString blockComment = QStringLiteral("/* first line\n"
                                                "SELECT inside the comment\n"
                                                "*/ SELECT 1\n");
    QTest::addRow("sql block comment first line")
        << sql << blockComment << "/* first line" << TokenClass::Comment;
    QTest::addRow("sql block comment continues")
        << sql << blockComment << "SELECT inside the comment" << TokenClass::Comment;
    QTest::addRow("sql block comment end") << sql << blockComment << "*/" << TokenClass::Comment;
    QTest::addRow("sql keyword after block comment")
        << sql << blockComment << "*/ «SELECT» 1" << TokenClass::Keyword;
    QTest::addRow("sql multi-line string") << sql << "SELECT 'line one\nFROM inside\n' FROM t"
                                           << "FROM inside" << TokenClass::String;
    QTest::addRow("sql keyword after multi-line string")
        << sql << "SELECT 'line one\nFROM inside\n' FROM t"
        << "' «FROM» t" << TokenClass::Keyword;
    QTest::addRow("sql function") << sql << "SELECT count(*) FROM t"
                                  << "count" << TokenClass::Function;
    QTest::addRow("sql function with space") << sql << "SELECT coalesce (a, 0) FROM t"
                                             << "coalesce" << TokenClass::Function;
    QTest::addRow("sql table-valued function") << sql << "SELECT * FROM read_csv('x.csv')"
                                               << "read_csv" << TokenClass::Function;
    QTest::addRow("sql NULL") << sql << "WHERE x IS NOT NULL"
                              << "NULL" << TokenClass::Keyword;
    QTest::addRow("sql TRUE") << sql << "WHERE paid = TRUE"
                              << "TRUE" << TokenClass::Constant;

    const auto json = SyntaxLanguage::Json;
    const QString object = QStringLiteral(
        R"({"name": "orders", "rows": 12, "ratio": -0.5e-3, "ok": true, "none": null})");
    QTest::addRow("json key") << json << object << R"("name")" << TokenClass::Key;
    QTest::addRow("json string value") << json << object << R"("orders")" << TokenClass::String;
    QTest::addRow("json number") << json << object << "12" << TokenClass::Number;
    QTest::addRow("json negative exponent") << json << object << "-0.5e-3" << TokenClass::Number;
    QTest::addRow("json true") << json << object << "true" << TokenClass::Constant;
    QTest::addRow("json null") << json << object << "null" << TokenClass::Constant;
    QTest::addRow("json brace") << json << object << "{" << TokenClass::Operator;
    QTest::addRow("json key with escaped quote") << json << R"({"a\"b": "c: d"})"
                                                 << R"("a\"b")" << TokenClass::Key;
    QTest::addRow("json value with colon") << json << R"({"a\"b": "c: d"})"
                                           << R"("c: d")" << TokenClass::String;
    QTest::addRow("json array strings") << json << R"(["k", "v"])"
                                        << R"("k")" << TokenClass::String;
    QTest::addRow("json key on later line")
        << json << "{\n  \"outer\": {\n    \"inner\": [1, 2]\n  }\n}"
        << R"("inner")" << TokenClass::Key;
    QTest::addRow("jsonl second record") << json << "{\"id\": 1}\n{\"id\": \"two\"}"
                                         << R"("two")" << TokenClass::String;

    const auto diff = SyntaxLanguage::Diff;
    const QString patch = QStringLiteral("diff --git a/q.sql b/q.sql\n"
                                         "index 1a2b3c4..5d6e7f8 100644\n"
                                         "--- a/q.sql\n"
                                         "+++ b/q.sql\n"
                                         "@@ -1,3 +1,3 @@ WITH paid AS\n"
                                         " SELECT region\n"
                                         "--- a removed SQL comment\n"
                                         "+++ an added SQL comment\n"
                                         " FROM orders\n"
                                         "--- a/second.sql\n"
                                         "+++ b/second.sql\n"
                                         "@@ -5 +5,2 @@\n"
                                         "-old\n"
                                         "+new\n"
                                         "+newer\n"
                                         "\\ No newline at end of file\n");
    QTest::addRow("diff git header")
        << diff << patch << "diff --git a/q.sql b/q.sql" << TokenClass::DiffFileHeader;
    QTest::addRow("diff index line")
        << diff << patch << "index 1a2b3c4" << TokenClass::DiffFileHeader;
    QTest::addRow("diff --- header")
        << diff << patch << "--- a/q.sql" << TokenClass::DiffFileHeader;
    QTest::addRow("diff +++ header")
        << diff << patch << "+++ b/q.sql" << TokenClass::DiffFileHeader;
    QTest::addRow("diff hunk header")
        << diff << patch << "@@ -1,3 +1,3 @@" << TokenClass::DiffHunkHeader;
    QTest::addRow("diff hunk section") << diff << patch << "WITH paid AS" << TokenClass::Function;
    QTest::addRow("diff context") << diff << patch << " SELECT region" << TokenClass::DiffContext;
    QTest::addRow("diff removed line looking like a header")
        << diff << patch << "--- a removed SQL comment" << TokenClass::DiffRemoved;
    QTest::addRow("diff added line looking like a header")
        << diff << patch << "+++ an added SQL comment" << TokenClass::DiffAdded;
    QTest::addRow("diff header after hunk without diff line")
        << diff << patch << "--- a/second.sql" << TokenClass::DiffFileHeader;
    QTest::addRow("diff +++ header after hunk")
        << diff << patch << "+++ b/second.sql" << TokenClass::DiffFileHeader;
    QTest::addRow("diff removed") << diff << patch << "-old" << TokenClass::DiffRemoved;
    QTest::addRow("diff added") << diff << patch << "+newer" << TokenClass::DiffAdded;
    QTest::addRow("diff no-newline marker")
        << diff << patch << "\\ No newline" << TokenClass::Comment;
}

void TestSyntaxHighlighting::tokens()
{
    QFETCH(SyntaxLanguage, language);
    QFETCH(QString, text);
    QFETCH(QString, needle);
    QFETCH(TokenClass, expected);

    QTextDocument document(text);
    // The built-in engine directly: KSyntaxHighlighting, when present, has its own tests.
    BuiltinHighlighter highlighter(&document, language,
                                   HighlightTheme::forPalette(fusionLightPalette()));
    highlighter.rehighlight();

    const auto [position, length] = locate(text, needle);
    QVERIFY2(position >= 0, qPrintable(u"needle not in sample: " + needle));
    for (int i = position; i < position + length; ++i) {
        const QString context = text.mid(position, length) + u" @" + QString::number(i - position);
        QCOMPARE(tokenName(tokenAt(document, i)) + u' ' + context,
                 tokenName(expected) + u' ' + context);
    }
}

void TestSyntaxHighlighting::untokenized_data()
{
    QTest::addColumn<SyntaxLanguage>("language");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("needle");

    const auto md = SyntaxLanguage::Markdown;
    QTest::addRow("md paragraph") << md << "Just some words."
                                  << "Just some words.";
    QTest::addRow("md snake_case") << md << "use snake_case_names here"
                                   << "snake_case_names";
    QTest::addRow("md lone asterisks") << md << "2 * 3 * 4"
                                       << "* 3 *";
    QTest::addRow("md front matter only on line one") << md << "text\n---\nkey: value\n---"
                                                      << "key: value";
    QTest::addRow("md unclosed code span") << md << "a ` b"
                                           << "` b";

    const auto sql = SyntaxLanguage::Sql;
    QTest::addRow("sql column named like a function") << sql << "SELECT count FROM t"
                                                      << "count";
    QTest::addRow("sql table with column list") << sql << "INSERT INTO orders (id) VALUES (1)"
                                                << "orders";
    QTest::addRow("sql CTE with column list") << sql << "WITH paid(id) AS (SELECT 1)"
                                              << "paid";
    QTest::addRow("sql quoted identifier") << sql << "SELECT \"select\" FROM t"
                                           << "\"select\"";
    QTest::addRow("sql bracketed identifier") << sql << "SELECT [order] FROM t"
                                              << "[order]";
    QTest::addRow("sql identifier with digits") << sql << "SELECT t1.c2 FROM t1"
                                                << "t1.c2";

    const auto diff = SyntaxLanguage::Diff;
    QTest::addRow("diff commit message") << diff << "Fix the rollup\n\ndiff --git a b"
                                         << "Fix the rollup";
}

void TestSyntaxHighlighting::untokenized()
{
    QFETCH(SyntaxLanguage, language);
    QFETCH(QString, text);
    QFETCH(QString, needle);

    QTextDocument document(text);
    BuiltinHighlighter highlighter(&document, language,
                                   HighlightTheme::forPalette(fusionLightPalette()));
    highlighter.rehighlight();

    const auto [position, length] = locate(text, needle);
    QVERIFY(position >= 0);
    for (int i = position; i < position + length; ++i)
        QCOMPARE(tokenName(tokenAt(document, i)), tokenName(std::nullopt));
}

// Every word the issue lists, in upper and lower case; the aggregates are functions when called.
void TestSyntaxHighlighting::sqlKeywordsFromIssue()
{
    const QStringList keywords = QStringLiteral("SELECT FROM WHERE JOIN LEFT INNER ON GROUP BY "
                                                "ORDER HAVING WITH AS CASE WHEN THEN ELSE "
                                                "END AND OR NOT NULL IS IN DISTINCT LIMIT UNION")
                                     .split(u' ');
    const QStringList functions = QStringLiteral("COUNT SUM AVG MIN MAX").split(u' ');
    const SqlLexer lexer;
    for (const QString &upper : keywords + functions) {
        for (const QString &word : {upper, upper.toLower()}) {
            const bool isFunction = functions.contains(upper);
            const QString line = u"x " + word + (isFunction ? u"(y)" : u" y");
            QList<TokenSpan> spans;
            lexer.lexLine(line, 0, spans);
            const TokenSpan expected {2, int(word.size()),
                                      isFunction ? TokenClass::Function : TokenClass::Keyword};
            QVERIFY2(spans.contains(expected), qPrintable(line));
        }
    }
}

void TestSyntaxHighlighting::spansAreOrderedAndInBounds_data()
{
    tokens_data();
}

// The LineLexer contract BuiltinHighlighter relies on, over every sample above.
void TestSyntaxHighlighting::spansAreOrderedAndInBounds()
{
    QFETCH(SyntaxLanguage, language);
    QFETCH(QString, text);

    const auto lexer = LineLexer::create(language);
    QVERIFY(lexer);
    int state = LineLexer::DocumentStart;
    const auto lines = text.split(u'\n');
    for (const QString &line : lines) {
        QList<TokenSpan> spans;
        state = lexer->lexLine(line, state, spans);
        QVERIFY(state >= 0);
        int end = 0;
        for (const TokenSpan &span : std::as_const(spans)) {
            QVERIFY2(span.length > 0 && span.start >= end
                         && span.start + span.length <= line.size(),
                     qPrintable(line));
            end = span.start + span.length;
        }
    }
}

// Half-typed text is the normal case in an editor: random lines made of every character the
// lexers treat specially must still give in-bounds, ordered spans and a valid state.
void TestSyntaxHighlighting::lexersSurviveArbitraryInput()
{
    const QString alphabet = QStringLiteral("-+:#'\"`*_[](){}<>!&|~%@,.;=/\\ \t aZ09");
    QRandomGenerator random(20240601); // fixed seed: failures must reproduce
    for (const auto language : {SyntaxLanguage::Yaml, SyntaxLanguage::Markdown, SyntaxLanguage::Sql,
                                SyntaxLanguage::Json, SyntaxLanguage::Diff}) {
        const auto lexer = LineLexer::create(language);
        int state = LineLexer::DocumentStart;
        for (int lineNumber = 0; lineNumber < 3000; ++lineNumber) {
            QString line;
            const int length = int(random.bounded(24));
            for (int i = 0; i < length; ++i)
                line += alphabet.at(int(random.bounded(int(alphabet.size()))));
            QList<TokenSpan> spans;
            state = lexer->lexLine(line, state, spans);
            QVERIFY2(state >= 0, qPrintable(line));
            int end = 0;
            for (const TokenSpan &span : std::as_const(spans)) {
                QVERIFY2(span.length > 0 && span.start >= end
                             && span.start + span.length <= line.size(),
                         qPrintable(line));
                end = span.start + span.length;
            }
        }
    }
}

// Typing "|" after a key turns the following lines into scalar text without a full rehighlight,
// and undoing it turns them back: the state must flow to later blocks on its own.
void TestSyntaxHighlighting::editReHighlightsFollowingLines()
{
    QTextDocument document(QStringLiteral("description: x\n  driver: sqlite\nnext: 1"));
    // Views always have a layout; without one QTextDocument emits no contentsChange at all.
    QVERIFY(document.documentLayout());
    QPointer<QSyntaxHighlighter> highlighter
        = SyntaxHighlighting::attach(&document, SyntaxLanguage::Yaml, fusionLightPalette());
    QVERIFY(highlighter);
    QCoreApplication::processEvents(); // the initial highlight is queued, as in the app
    const int driver = int(document.toPlainText().indexOf(u"driver"));
    const int next = int(document.toPlainText().indexOf(u"next"));
    if (qobject_cast<BuiltinHighlighter *>(highlighter.data()) == nullptr)
        QSKIP("token classes are only recorded by the built-in engine");
    QCOMPARE(tokenName(tokenAt(document, driver)), tokenName(TokenClass::Key));

    QTextCursor cursor(&document);
    const int x = int(document.toPlainText().indexOf(u'x'));
    cursor.setPosition(x);
    cursor.setPosition(x + 1, QTextCursor::KeepAnchor);
    cursor.insertText(QStringLiteral("|"));
    QCOMPARE(tokenName(tokenAt(document, driver)), tokenName(TokenClass::String));
    QCOMPARE(tokenName(tokenAt(document, next)), tokenName(TokenClass::Key));

    document.undo();
    QCOMPARE(document.toPlainText().left(14), QStringLiteral("description: x"));
    QCOMPARE(tokenName(tokenAt(document, driver)), tokenName(TokenClass::Key));
}

void TestSyntaxHighlighting::attachOwnsAndReplaces()
{
    const QPalette palette = fusionLightPalette();
    QCOMPARE(SyntaxHighlighting::attach(nullptr, SyntaxLanguage::Yaml, palette), nullptr);

    auto *document = new QTextDocument(QStringLiteral("a: 1"));
    QPointer<QSyntaxHighlighter> first
        = SyntaxHighlighting::attach(document, SyntaxLanguage::Yaml, palette);
    QVERIFY(first);
    QCOMPARE(first->parent(), document);
    QCOMPARE(first->document(), document);
#ifndef KTX_HAVE_KF6_SYNTAX
    QVERIFY(qobject_cast<BuiltinHighlighter *>(first.data()));
#endif

    // A highlighter someone else attached is left alone.
    QPointer<QSyntaxHighlighter> foreign = new BuiltinHighlighter(
        document, SyntaxLanguage::Json, HighlightTheme::forPalette(palette));

    QPointer<QSyntaxHighlighter> second
        = SyntaxHighlighting::attach(document, SyntaxLanguage::Sql, palette);
    QVERIFY(second);
    QVERIFY(first.isNull());
    QVERIFY(!foreign.isNull());

    QCOMPARE(SyntaxHighlighting::attach(document, SyntaxLanguage::PlainText, palette), nullptr);
    QVERIFY(second.isNull());
    QVERIFY(!foreign.isNull());

    SyntaxHighlighting::updatePalette(nullptr, palette); // accepted, no effect
    QPointer<QSyntaxHighlighter> third
        = SyntaxHighlighting::attach(document, SyntaxLanguage::Diff, palette);
    delete document;
    QVERIFY(third.isNull());
    QVERIFY(foreign.isNull());
}

void TestSyntaxHighlighting::themeContrast_data()
{
    QTest::addColumn<QPalette>("palette");
    QTest::addColumn<bool>("dark");
    QTest::addRow("Fusion light") << fusionLightPalette() << false;
    QTest::addRow("dark #1e1e1e") << typicalDarkPalette() << true;
    // Off-white and blue-black bases: the hand-picked colours are nudged where needed.
    QTest::addRow("Solarized light")
        << paletteWith(QColor(0xeee8d5), QColor(0xfdf6e3), QColor(0x657b83)) << false;
    QTest::addRow("Solarized dark")
        << paletteWith(QColor(0x073642), QColor(0x002b36), QColor(0x839496)) << true;
    QTest::addRow("mid grey") << paletteWith(QColor(0x888888), QColor(0x909090), Qt::black)
                              << false;
}

void TestSyntaxHighlighting::themeContrast()
{
    QFETCH(QPalette, palette);
    QFETCH(bool, dark);

    QCOMPARE(SyntaxHighlighting::isDarkPalette(palette), dark);
    const HighlightTheme theme = HighlightTheme::forPalette(palette);
    QCOMPARE(theme.isDark(), dark);
    QCOMPARE(theme.base(), palette.color(QPalette::Base));

    for (int i = 0; i < TokenClassCount; ++i) {
        const auto token = static_cast<TokenClass>(i);
        const QColor surface = theme.background(token).isValid() ? theme.background(token)
                                                                 : palette.color(QPalette::Base);
        const double ratio = HighlightTheme::contrastRatio(theme.foreground(token), surface);
        QVERIFY2(ratio >= HighlightTheme::MinimumContrast,
                 qPrintable(QStringLiteral("%1: %2 on %3 is %4:1")
                                .arg(QLatin1String(tokenClassName(token)),
                                     theme.foreground(token).name(), surface.name())
                                .arg(ratio, 0, 'f', 2)));
        // The foreground is what QSyntaxHighlighter will actually paint.
        QCOMPARE(theme.format(token).foreground().color(), theme.foreground(token));
    }

    // Diff lines are tinted, differently for added and removed, and the tint stays subtle.
    const QColor added = theme.background(TokenClass::DiffAdded);
    const QColor removed = theme.background(TokenClass::DiffRemoved);
    QVERIFY(added.isValid() && removed.isValid());
    QVERIFY(added != removed);
    QVERIFY(added != theme.base() && removed != theme.base());
    QCOMPARE(HighlightTheme::isDarkPalette(paletteWith(added, added, Qt::white)), dark);
    QVERIFY(added.green() > added.red());
    QVERIFY(removed.red() > removed.green());
}

void TestSyntaxHighlighting::updatePaletteRecolours()
{
    QTextDocument document(QStringLiteral("  driver: sqlite  # comment"));
    QSyntaxHighlighter *highlighter
        = SyntaxHighlighting::attach(&document, SyntaxLanguage::Yaml, fusionLightPalette());
    QVERIFY(highlighter);
    highlighter->rehighlight();
    const int key = 2;
    const QColor light = formatAt(document, key).foreground().color();
    QVERIFY(light.isValid());

    SyntaxHighlighting::updatePalette(highlighter, typicalDarkPalette()); // re-highlights itself
    const QColor dark = formatAt(document, key).foreground().color();
    QVERIFY(dark.isValid());
    QVERIFY(light != dark);
    if (qobject_cast<BuiltinHighlighter *>(highlighter)) {
        QCOMPARE(light,
                 HighlightTheme::forPalette(fusionLightPalette()).foreground(TokenClass::Key));
        QCOMPARE(dark,
                 HighlightTheme::forPalette(typicalDarkPalette()).foreground(TokenClass::Key));
    }

    SyntaxHighlighting::updatePalette(highlighter, fusionLightPalette());
    QCOMPARE(formatAt(document, key).foreground().color(), light);
}

void TestSyntaxHighlighting::render_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<QPalette>("palette");
    for (const auto &sample : Samples) {
        const QString name = QLatin1String(sample[0]);
        QTest::addRow("%s-light", sample[0]) << name << fusionLightPalette();
        QTest::addRow("%s-dark", sample[0]) << name << typicalDarkPalette();
    }
}

// Paints a sample the way a read-only view would. With KTX_SCREENSHOT_DIR set, the images are
// saved there for a human to judge readability; the test itself checks that highlighting
// reached the pixels.
void TestSyntaxHighlighting::render()
{
    QFETCH(QString, sample);
    QFETCH(QPalette, palette);

    QString text;
    for (const auto &entry : Samples) {
        if (sample == QLatin1String(entry[0]))
            text = QString::fromUtf8(entry[1]);
    }
    const SyntaxLanguage language = languageNamed(qPrintable(sample));

    QTextDocument document(text);
    QFont font(QStringLiteral("DejaVu Sans Mono"));
    font.setStyleHint(QFont::Monospace);
    font.setPixelSize(15);
    document.setDefaultFont(font);
    document.setDocumentMargin(12);
    QSyntaxHighlighter *highlighter = SyntaxHighlighting::attach(&document, language, palette);
    QVERIFY(highlighter);
    highlighter->rehighlight();
    document.setTextWidth(760);

    const QSize size(760, int(document.size().height()) + 1);
    QImage image(size, QImage::Format_RGB32);
    image.fill(palette.color(QPalette::Base));
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::TextAntialiasing);
        // drawContents() would use the application palette for untokenized text; a view paints
        // with its own palette, so pass that.
        QAbstractTextDocumentLayout::PaintContext context;
        context.palette = palette;
        document.documentLayout()->draw(&painter, context);
    }

    // Highlighting reached the pixels: beyond Base and Text's antialiasing ramp there are
    // clearly coloured (saturated) pixels.
    int saturated = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            if (QColor(image.pixel(x, y)).hsvSaturation() > 100)
                ++saturated;
        }
    }
    QVERIFY2(saturated > 200, qPrintable(QString::number(saturated)));

    const QString dir = qEnvironmentVariable("KTX_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        QVERIFY(QDir().mkpath(dir));
        const QString path
            = QDir(dir).filePath(QString::fromLatin1(QTest::currentDataTag()) + u".png");
        QVERIFY2(image.save(path), qPrintable(path));
        qInfo("saved %s", qPrintable(path));
    }
}

QTEST_MAIN(TestSyntaxHighlighting)
#include "tst_syntaxhighlighting.moc"
