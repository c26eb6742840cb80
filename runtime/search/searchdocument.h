#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace ktx {

// One thing search can find: a wiki page, a semantic source, one of its
// measures or dimensions, a table or a column of the latest schema evidence.
struct SearchDocument
{
    QString kind; // wiki | sl_source | sl_measure | sl_dimension | table | column
    QString id; // wiki: key; sl_source: name; sl_measure/sl_dimension: source.name;
                // table: db.table; column: db.table.column
    QString connectionId; // empty for wiki pages
    QString title; // the name, ranked above the rest of the text
    QString summary;
    QString text; // everything searched
    // Text per discover_data `matchedOn` field (name, display, description,
    // comment, expr, sample_value, body), to say which one matched.
    QJsonObject fields;

    // Wiki pages.
    QString scope; // GLOBAL | USER
    QString userId;
    QString path; // relative to the project
    QStringList connections; // empty: every connection

    // Tables and columns.
    QJsonObject tableRef; // {catalog, db, name}, null parts when absent
    QString columnName;

    // Semantic sources: the `table:` they read, so sample values find their source.
    QString tableName;

    // Over every field: equal hashes mean an identical row and the same embedding.
    QByteArray contentHash() const;
    // The text embeddings are computed from (and keyed by, with the model).
    QString embeddingText() const;
};

// A sampled value of a profiled column, for dictionary_search.
struct DictionaryEntry
{
    QString connectionId;
    QString tablePath; // catalog.db.name without empty parts
    QString tableName;
    QString columnName;
    QString value;
    std::optional<qint64> cardinality; // distinct values in the sample
};

// What the latest evidence of a connection says about its profiles.
struct DictionaryCoverage
{
    QString connectionId;
    std::optional<qint64> sampledRows;
    std::optional<qint64> valuesPerColumn;
    int profiledColumns = 0;
    QString syncId;
    QString profiledAt;
    QString status = QStringLiteral(
        "no_profile_artifact"); // ready | no_profile_artifact | no_candidate_columns
};

} // namespace ktx
