#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ktx {

// What introspection saw in one warehouse connection, in the original's shape
// (KtxSchemaSnapshot / KtxSchemaTable), so raw evidence files stay compatible.

// A table everywhere is {catalog, db, name}: SQLite: ("", "main", name);
// PostgreSQL: (database, schema, name); MySQL/MariaDB: ("", database, name).
struct TableRef
{
    QString catalog;
    QString db;
    QString name;

    QString displayName() const; // "db.name" (or just name when db is empty / "main")
    bool operator==(const TableRef &other) const = default;
};

struct SchemaColumn
{
    QString name;
    QString nativeType;     // as the database spells it: "character varying(40)"
    QString normalizedType; // dialect mapping: "varchar", "integer", "timestamp", ...
    QString dimensionType;  // time | string | number | boolean
    bool nullable = true;
    bool primaryKey = false;
    QString comment;
};

// One column pair of a declared foreign key; a composite key is several entries
// with the same constraintName (the original's flat form).
struct SchemaForeignKey
{
    QString fromColumn;
    QString toCatalog;
    QString toDb;
    QString toTable;
    QString toColumn;
    QString constraintName;
};

struct SchemaTable
{
    TableRef ref;
    QString kind = QStringLiteral("table"); // table | view
    QString comment;
    std::optional<qint64> estimatedRows; // catalog statistics; unset for views or when unknown
    std::optional<qint64> exactRows;     // COUNT(*) where cheap (SQLite, small tables)
    QList<SchemaColumn> columns;
    QList<SchemaForeignKey> foreignKeys;

    QStringList primaryKey() const; // in column order
    const SchemaColumn *column(const QString &name) const;

    QJsonObject toJson() const;
    static SchemaTable fromJson(const QJsonObject &object);
};

struct SchemaSnapshot
{
    QString connectionId;
    QString driver;
    QDateTime extractedAt;
    QJsonObject scope;    // what was asked for: schemas, include/exclude patterns
    QJsonObject metadata; // database, host (never a password), table_count, total_columns
    QList<SchemaTable> tables;
    QStringList warnings; // e.g. a missing permission: reported, not fatal

    const SchemaTable *table(const TableRef &ref) const;
};

} // namespace ktx
