#include "semantic/semanticdialect.h"

#include <QRegularExpression>
#include <QSet>

namespace ktx {

Result<SemanticDialect> SemanticDialect::forName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    SemanticDialect d;
    if (n == QLatin1String("postgres") || n == QLatin1String("postgresql")
        || n == QLatin1String("hologres") || n == QLatin1String("redshift"))
        d.m_name = QStringLiteral("postgres");
    else if (n == QLatin1String("mysql") || n == QLatin1String("mariadb"))
        d.m_name = QStringLiteral("mysql");
    else if (n == QLatin1String("sqlite") || n == QLatin1String("snowflake")
             || n == QLatin1String("bigquery") || n == QLatin1String("duckdb"))
        d.m_name = n;
    else
        return makeError(QStringLiteral("sl_unknown_dialect"),
                         QStringLiteral("Unknown SQL dialect '%1'.").arg(name),
                         QStringLiteral("Supported: postgres, sqlite, mysql, snowflake, bigquery, "
                                        "duckdb."));
    return d;
}

bool SemanticDialect::isReservedWord(const QString &name)
{
    static const QSet<QString> words = [] {
        QSet<QString> s;
        for (const char *w : {"select",       "from",
                              "where",        "group",
                              "order",        "by",
                              "having",       "limit",
                              "join",         "on",
                              "as",           "and",
                              "or",           "not",
                              "in",           "is",
                              "null",         "true",
                              "false",        "between",
                              "like",         "case",
                              "when",         "then",
                              "else",         "end",
                              "insert",       "update",
                              "delete",       "create",
                              "drop",         "alter",
                              "table",        "index",
                              "view",         "union",
                              "all",          "distinct",
                              "into",         "values",
                              "set",          "with",
                              "exists",       "any",
                              "some",         "offset",
                              "fetch",        "for",
                              "grant",        "revoke",
                              "primary",      "key",
                              "foreign",      "references",
                              "check",        "constraint",
                              "default",      "column",
                              "cross",        "full",
                              "inner",        "left",
                              "right",        "outer",
                              "natural",      "using",
                              "except",       "intersect",
                              "glob",         "ilike",
                              "lateral",      "match_recognize",
                              "notnull",      "out",
                              "qualify",      "regexp",
                              "returning",    "rlike",
                              "rollback",     "sample",
                              "tablesample",  "top",
                              "uncache",      "xor",
                              "user",         "window",
                              "over",         "partition",
                              "interval",     "rows",
                              "range",        "current_date",
                              "current_time", "current_timestamp"})
            s.insert(QString::fromLatin1(w));
        return s;
    }();
    return words.contains(name.toLower());
}

QString SemanticDialect::quote(const QString &name) const
{
    const QChar q = m_name == QLatin1String("mysql") || m_name == QLatin1String("bigquery")
        ? QLatin1Char('`')
        : QLatin1Char('"');
    QString escaped = name;
    escaped.replace(q, QString(2, q));
    return q + escaped + q;
}

QString SemanticDialect::identifier(const QString &name) const
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    if (plain.match(name).hasMatch() && !isReservedWord(name))
        return name;
    return quote(name);
}

Result<QString> SemanticDialect::timeTrunc(const QString &granularity, const QString &x) const
{
    const QString g = granularity.toLower();
    static const QStringList known {QStringLiteral("hour"),    QStringLiteral("day"),
                                    QStringLiteral("week"),    QStringLiteral("month"),
                                    QStringLiteral("quarter"), QStringLiteral("year")};
    if (!known.contains(g))
        return makeError(QStringLiteral("sl_unknown_granularity"),
                         QStringLiteral("Unknown time granularity '%1'.").arg(granularity),
                         QStringLiteral("Use one of: %1.").arg(known.join(QStringLiteral(", "))));
    if (m_name == QLatin1String("sqlite")) {
        if (g == QLatin1String("year"))
            return QStringLiteral("DATE(STRFTIME('%Y-01-01', %1))").arg(x);
        if (g == QLatin1String("month"))
            return QStringLiteral("DATE(STRFTIME('%Y-%m-01', %1))").arg(x);
        if (g == QLatin1String("day"))
            return QStringLiteral("DATE(%1)").arg(x);
        if (g == QLatin1String("hour"))
            return QStringLiteral("STRFTIME('%Y-%m-%d %H:00:00', %1)").arg(x);
        // January 1st plus whole quarters (no printf: "%02d" is not safe in SQL
        // that passes through QString::arg on its way to the database).
        if (g == QLatin1String("quarter"))
            return QStringLiteral(
                       "DATE(STRFTIME('%Y', %1) || '-01-01', '+' || "
                       "((CAST(STRFTIME('%m', %1) AS INTEGER) - 1) / 3 * 3) || ' months')")
                .arg(x);
        // Back six days, then forward to the next Monday: the Monday of the
        // week, also when the date is itself a Monday.
        return QStringLiteral("DATE(%1, '-6 days', 'weekday 1')").arg(x);
    }
    if (m_name == QLatin1String("mysql")) {
        if (g == QLatin1String("year"))
            return QStringLiteral("DATE(DATE_FORMAT(%1, '%Y-01-01'))").arg(x);
        if (g == QLatin1String("month"))
            return QStringLiteral("DATE(DATE_FORMAT(%1, '%Y-%m-01'))").arg(x);
        if (g == QLatin1String("day"))
            return QStringLiteral("DATE(%1)").arg(x);
        if (g == QLatin1String("hour"))
            return QStringLiteral("DATE_FORMAT(%1, '%Y-%m-%d %H:00:00')").arg(x);
        if (g == QLatin1String("quarter"))
            return QStringLiteral("MAKEDATE(YEAR(%1), 1) + INTERVAL (QUARTER(%1) - 1) QUARTER")
                .arg(x);
        return QStringLiteral("DATE(DATE_SUB(%1, INTERVAL WEEKDAY(%1) DAY))").arg(x);
    }
    if (m_name == QLatin1String("bigquery"))
        return QStringLiteral("DATE_TRUNC(%1, %2)")
            .arg(x, g == QLatin1String("week") ? QStringLiteral("ISOWEEK") : g.toUpper());
    return QStringLiteral("DATE_TRUNC('%1', %2)").arg(g, x);
}

Result<QString> SemanticDialect::percentile(const QString &expr, const QString &fraction) const
{
    if (m_name == QLatin1String("postgres") || m_name == QLatin1String("snowflake")
        || m_name == QLatin1String("duckdb"))
        return QStringLiteral("PERCENTILE_CONT(%1) WITHIN GROUP (ORDER BY %2)").arg(fraction, expr);
    if (m_name == QLatin1String("bigquery"))
        return QStringLiteral("APPROX_QUANTILES(%1, 100)[OFFSET(CAST(%2 * 100 AS INT64))]")
            .arg(expr, fraction);
    return makeError(
        QStringLiteral("sl_unsupported_aggregate"),
        QStringLiteral("median() and percentile() have no aggregate form in %1.").arg(m_name),
        QStringLiteral("Query the values and compute the percentile outside the "
                       "database, or use another measure."));
}

bool SemanticDialect::hasFullJoin() const
{
    return m_name != QLatin1String("mysql");
}

QString SemanticDialect::nullSafeEquals(const QString &a, const QString &b) const
{
    if (m_name == QLatin1String("mysql"))
        return a + QStringLiteral(" <=> ") + b;
    if (m_name == QLatin1String("sqlite"))
        return a + QStringLiteral(" IS ") + b;
    return a + QStringLiteral(" IS NOT DISTINCT FROM ") + b;
}

} // namespace ktx
