#pragma once

#include "db/sqldialect.h"

namespace ktx {

// MySQL/MariaDB: backtick-quoted identifiers, `database`.`table`, types as
// information_schema.COLUMNS.COLUMN_TYPE prints them.
class MysqlDialect : public SqlDialect
{
public:
    QString name() const override;
    QString quoteIdentifier(const QString &identifier) const override;
    QString normalizedType(const QString &nativeType) const override;
    QString dimensionType(const QString &nativeType) const override;
};

} // namespace ktx
