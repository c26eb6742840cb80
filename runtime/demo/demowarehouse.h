#pragma once

#include "core/cancellationtoken.h"
#include "core/result.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <QtGlobal>

namespace ktx {

// Writes the demo warehouse: a deterministic SQLite database of a small coffee
// e-commerce and subscription business (2024-01-01 .. 2025-12-31, ~50k rows in 14
// tables). Tables, keys and the deliberate fan and chasm traps: runtime/demo/README.md.
class DemoWarehouse
{
public:
    static constexpr quint64 kDefaultSeed = 20261124;

    struct Options
    {
        quint64 seed = kDefaultSeed;
        // Replace an existing file at the target path (atomically); off by default.
        bool overwrite = false;
        bool createParentDirectories = true;
        CancellationToken cancellation;
    };

    struct TableRowCount
    {
        QString table;
        qint64 rows = 0;
    };

    struct Summary
    {
        QString path;
        quint64 seed = 0;
        QList<TableRowCount> tables; // in creation order
        qint64 totalRows = 0;

        qint64 rowCount(QStringView table) const; // -1 when there is no such table
    };

    // Builds the database in a temporary file next to `sqlitePath` and renames it into
    // place, so a failed or cancelled run never leaves a partial database behind.
    // Refuses (error code "demo_warehouse_exists") when `sqlitePath` already exists.
    static Result<Summary> generate(const QString &sqlitePath, quint64 seed = kDefaultSeed);
    static Result<Summary> generate(const QString &sqlitePath, const Options &options);

    // The table names, in creation order.
    static QStringList tableNames();
};

} // namespace ktx
