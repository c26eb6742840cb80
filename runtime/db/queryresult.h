#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

namespace ktx {

// The rows of one read-only query, capped at the caller's maxRows.
struct QueryResult
{
    QStringList columns;
    QStringList columnTypes; // database type names where the driver reports them
    QList<QVariantList> rows;
    bool truncated = false; // more rows existed than maxRows
    qint64 elapsedMs = 0;
};

} // namespace ktx
