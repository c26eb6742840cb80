#pragma once

#include "db/sqldialect.h"

namespace ktx {

// PostgreSQL: double-quoted identifiers, "schema"."table", types as
// format_type() prints them.
class PostgresDialect : public SqlDialect
{
public:
    QString name() const override;
    QString quoteIdentifier(const QString &identifier) const override;
    QString normalizedType(const QString &nativeType) const override;
    QString dimensionType(const QString &nativeType) const override;
};

} // namespace ktx
