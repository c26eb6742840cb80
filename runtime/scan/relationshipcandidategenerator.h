#pragma once

#include "scan/relationship.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace ktx {

struct SchemaSnapshot;
struct SchemaTable;
struct TableProfile;

// Deterministic relationship candidates from names, types and profiles.
//
// For every column that is not its table's single-column primary key and whose
// name reads like a reference (`*_id`, `*_key`, `*_code`, `*_uuid`, or a
// self-reference such as `parent_id`, `manager_id`, `referred_by_customer_id`),
// the name's base is matched against table names (normalised, singular/plural,
// last name tokens, leading role words such as "referred_by" dropped); in the
// best matching tables, key-like target columns are scored (declared PK 1.0,
// `id` 0.92, `<table>_id` 0.90, `<table>_key` 0.82, `key`/`uuid` 0.74,
// profile-unique 0.86/0.78), and each pair gets scoring signals and a confidence.
class RelationshipCandidateGenerator
{
public:
    struct Options
    {
        int maxCandidatesPerColumn = 25;
        int maxLocalTables = 20;
        double minConfidence = 0.72;
    };

    // How a column name reads as a reference.
    struct KeyName
    {
        QString normalized; // "referred_by_customer_id"
        QString base; // "referred_by_customer"
        QString suffix; // "id" | "key" | "code" | "uuid" | "" (self-reference words only)
        bool selfReference = false;
    };

    // How a name base matched a table.
    struct TableMatch
    {
        double score = 0.0;
        QStringList sources; // normalized_table_match, inflection, parent_table_name_match, ...
    };

    static QList<Relationship> generate(const SchemaSnapshot &snapshot,
                                        const QList<TableProfile> &profiles, const Options &options,
                                        const std::function<bool()> &shouldStop = {});

    // "CustomerID" -> "customer_id", "Order Details" -> "order_details".
    static QString normalizeIdentifier(const QString &identifier);
    // The table name without warehouse prefixes ("dim_customers" -> "customers").
    static QString tableBaseName(const QString &tableName);
    static std::optional<KeyName> keyName(const QString &columnName);
    // The best match of a key name's base (or its tail after leading role
    // words, at 0.9) against a table's name; score 0 when nothing matches.
    static TableMatch matchTable(const KeyName &key, const QString &tableName);
    // How key-like `column` of `table` is as a join target (0 when not at all).
    static double targetColumnScore(const SchemaTable &table, const QString &column,
                                    const TableProfile *profile, QStringList *sources = nullptr);
};

} // namespace ktx
