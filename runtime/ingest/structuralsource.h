#pragma once

#include "db/schemasnapshot.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

namespace ktx {

struct TableProfile;

// A join between two tables that discovery accepted (declared or inferred).
struct StructuralJoin
{
    TableRef from;
    QStringList fromColumns;
    TableRef to;
    QStringList toColumns;
    QString relationship; // many_to_one | one_to_one
};

// Projects one introspected table into a standalone semantic source in the
// original YAML schema: name, table, grain from the primary key, typed columns,
// database comments as descriptions.db, joins from accepted relationships, and
// a row-count measure. Deterministic: the same table yields the same bytes.
class StructuralSource
{
public:
    // Source names per table: the table name, or db_name where two scoped
    // schemas hold tables of the same name.
    static QMap<QString, QString>
    sourceNames(const SchemaSnapshot &snapshot); // key: displayName of the table

    // The member-native table reference written to `table:`.
    static QString tableReference(const TableRef &ref, const QString &driver);

    // Text columns whose sampled values are all ISO-8601 dates or timestamps
    // (SQLite keeps dates as TEXT) become time dimensions in the source; the raw
    // snapshot keeps the database's own types.
    static void refineTypes(SchemaTable &table, const TableProfile &profile);

    static QByteArray yaml(const SchemaTable &table, const QString &driver,
                           const QMap<QString, QString> &names, const QList<StructuralJoin> &joins);
};

} // namespace ktx
