#pragma once

#include "db/sqldialect.h"

namespace ktx {

// SQLite: double-quoted identifiers, tables in "main" written bare, types by
// SQLite's column-affinity rules (normalized to the storage class, as the
// original does).
class SqliteDialect : public SqlDialect
{
public:
    QString name() const override;
    QString quoteIdentifier(const QString &identifier) const override;
    QString formatTable(const TableRef &table) const override;
    QString normalizedType(const QString &nativeType) const override;
    QString dimensionType(const QString &nativeType) const override;
};

} // namespace ktx
