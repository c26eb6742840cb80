#pragma once

#include "db/schemasnapshot.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace ktx {

// One column of a base table as a query uses it; `table` is a display name
// ("public.orders") when the catalog knows the table, else the name as written.
struct SqlColumnUse
{
    QString table;
    QString column;

    bool operator==(const SqlColumnUse &other) const = default;
    bool operator<(const SqlColumnUse &other) const
    {
        return table != other.table ? table < other.table : column < other.column;
    }
};

// An equality between columns of two table occurrences (`o.customer_id =
// c.id`, `USING (id)`), the side with the smaller name first.
struct SqlJoinPair
{
    SqlColumnUse left;
    SqlColumnUse right;

    bool operator==(const SqlJoinPair &other) const = default;
    bool operator<(const SqlJoinPair &other) const
    {
        return left == other.left ? right < other.right : left < other.left;
    }
};

struct SqlTemplateAnalysis
{
    // select | insert | update | delete | merge | ddl | other (first keyword
    // of the statement a server runs; a SELECT with a data-modifying CTE or an
    // INTO target is `other`).
    QString statementKind;
    bool parsed = true; // false: the text could not be read (unterminated quote, ...)
    QString parseProblem;
    QStringList tables; // base tables touched, sorted, CTE names and derived tables excluded
    QStringList unknownTables; // of those, the ones the catalog does not know
    bool onlySystemTables = false; // every table is in pg_catalog / information_schema / pg_*
    QList<SqlJoinPair> joins; // sorted, unique
    QList<SqlColumnUse> filterColumns; // WHERE, HAVING and non-join ON predicates
    QList<SqlColumnUse> groupByColumns;

    bool isSelect() const { return statementKind == QLatin1String("select"); }
};

// Reads normalized SQL (pg_stat_statements text: constants as $1, $2, ...) far
// enough to tell what a query touches: tables in FROM/JOIN (schemas, aliases,
// quoted identifiers, subqueries, CTEs, set operations), join equalities in ON,
// USING and WHERE, and the columns filters and GROUP BY use. Not a validating
// parser: unknown syntax is skipped, never guessed into a table.
//
// Identifiers follow PostgreSQL: unquoted ones fold to lower case, "quoted"
// ones keep their spelling. Unqualified tables resolve along `searchPath`;
// unqualified columns resolve to the one table in scope that has them.
class SqlTemplateAnalyzer
{
public:
    SqlTemplateAnalyzer(const QList<SchemaTable> &tables, const QStringList &searchPath);

    SqlTemplateAnalysis analyze(const QString &sql) const;

    // The text with comments removed, whitespace outside literals collapsed to
    // one space and trailing semicolons dropped: two spellings of one template
    // compare equal.
    static QString canonicalSql(const QString &sql);

    // Not part of this analyzer's contract, but the same tokenizer: true when a
    // statement starts with ktx's own marker comment (see QtSqlSession).
    static bool isKtxStatement(const QString &sql);

private:
    friend class SqlTemplateParser;

    struct KnownTable
    {
        QString displayName;
        QStringList columns;
    };
    QHash<QString, KnownTable> m_tables; // "schema\x1fname" -> table
    QStringList m_searchPath;
};

} // namespace ktx
