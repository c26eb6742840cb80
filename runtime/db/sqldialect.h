#pragma once

#include "db/schemasnapshot.h"

#include <QString>

#include <memory>

namespace ktx {

// What differs between SQL databases in the SQL we generate: quoting, table
// names, row limits, sampling, and how native types map to ktx's types.
class SqlDialect
{
public:
    virtual ~SqlDialect() = default;

    static std::unique_ptr<SqlDialect>
    forDriver(const QString &driver); // sqlite | postgres | mysql; nullptr otherwise

    virtual QString name() const = 0;
    virtual QString quoteIdentifier(const QString &identifier) const = 0;
    // "db"."name" (just the name when db is empty), quoted per dialect.
    virtual QString formatTable(const TableRef &table) const;
    // `select * from (<sql>) as ktx_query_result limit <n>`
    virtual QString limitQuery(const QString &sql, int maxRows) const;
    // A bounded sample of a table's rows (for profiling).
    virtual QString sampleQuery(const TableRef &table, int rows) const;
    virtual QString normalizedType(const QString &nativeType) const = 0;
    // time | string | number | boolean
    virtual QString dimensionType(const QString &nativeType) const = 0;
};

} // namespace ktx
