#include "db/sqldialect.h"

#include "db/mysqldialect.h"
#include "db/postgresdialect.h"
#include "db/sqlitedialect.h"

namespace ktx {

std::unique_ptr<SqlDialect> SqlDialect::forDriver(const QString &driver)
{
    if (driver == QLatin1String("sqlite"))
        return std::make_unique<SqliteDialect>();
    if (driver == QLatin1String("postgres") || driver == QLatin1String("postgresql"))
        return std::make_unique<PostgresDialect>();
    if (driver == QLatin1String("mysql") || driver == QLatin1String("mariadb"))
        return std::make_unique<MysqlDialect>();
    return nullptr;
}

QString SqlDialect::limitQuery(const QString &sql, int maxRows) const
{
    // The newline before ")" keeps a trailing line comment inside the query from
    // swallowing the wrapper. One multi-arg call: a chained .arg() would read
    // "%1"-like text inside the user's SQL (LIKE '%1%', printf('%02d')) as a marker.
    return QStringLiteral("select * from (\n%1\n) as ktx_query_result limit %2")
        .arg(sql, QString::number(maxRows));
}

QString SqlDialect::sampleQuery(const TableRef &table, int rows) const
{
    return QStringLiteral("select * from %1 limit %2").arg(formatTable(table)).arg(rows);
}

QString SqlDialect::formatTable(const TableRef &table) const
{
    if (table.db.isEmpty())
        return quoteIdentifier(table.name);
    return quoteIdentifier(table.db) + QLatin1Char('.') + quoteIdentifier(table.name);
}

} // namespace ktx
