#pragma once

#include "core/result.h"

#include <QString>

namespace ktx {

// What the semantic SQL generator needs to know about a target database: how
// to quote, truncate time, compute a percentile, and merge pre-aggregated
// groups. postgres, sqlite, mysql (MariaDB) are executed; snowflake, bigquery
// and duckdb are planned and rendered for compatibility with the original.
class SemanticDialect
{
public:
    // postgres (postgresql, hologres, redshift), sqlite, mysql (mariadb),
    // snowflake, bigquery, duckdb; an error names the supported ones.
    static Result<SemanticDialect> forName(const QString &name);

    const QString &name() const { return m_name; }
    // Quotes an identifier only when it needs it (a reserved word or not a plain
    // [A-Za-z_][A-Za-z0-9_]* name), so ordinary SQL stays readable.
    QString identifier(const QString &name) const;
    QString quote(const QString &name) const;
    static bool isReservedWord(const QString &name);

    // The start of the period (day | week (Monday) | month | quarter | year |
    // hour) containing `expr`.
    Result<QString> timeTrunc(const QString &granularity, const QString &expr) const;
    // PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY expr), or the dialect's spelling.
    Result<QString> percentile(const QString &expr, const QString &fraction) const;
    // FULL [OUTER] JOIN exists (SQLite since 3.39; not in MySQL/MariaDB).
    bool hasFullJoin() const;
    // a = b that also matches NULL with NULL.
    QString nullSafeEquals(const QString &a, const QString &b) const;

private:
    QString m_name;
};

} // namespace ktx
