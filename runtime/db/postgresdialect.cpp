#include "db/postgresdialect.h"

#include "db/sqltypename.h"

#include <QHash>

namespace ktx {

namespace {

struct TypeInfo
{
    const char *normalized;
    const char *dimension;
};

// format_type() spellings and their common aliases.
const QHash<QString, TypeInfo> &typeTable()
{
    static const QHash<QString, TypeInfo> table = {
        {QStringLiteral("smallint"), {"smallint", "number"}},
        {QStringLiteral("int2"), {"smallint", "number"}},
        {QStringLiteral("smallserial"), {"smallint", "number"}},
        {QStringLiteral("integer"), {"integer", "number"}},
        {QStringLiteral("int"), {"integer", "number"}},
        {QStringLiteral("int4"), {"integer", "number"}},
        {QStringLiteral("serial"), {"integer", "number"}},
        {QStringLiteral("bigint"), {"bigint", "number"}},
        {QStringLiteral("int8"), {"bigint", "number"}},
        {QStringLiteral("bigserial"), {"bigint", "number"}},
        {QStringLiteral("numeric"), {"numeric", "number"}},
        {QStringLiteral("decimal"), {"numeric", "number"}},
        {QStringLiteral("real"), {"real", "number"}},
        {QStringLiteral("float4"), {"real", "number"}},
        {QStringLiteral("double precision"), {"double", "number"}},
        {QStringLiteral("float8"), {"double", "number"}},
        {QStringLiteral("float"), {"double", "number"}},
        {QStringLiteral("money"), {"money", "number"}},
        {QStringLiteral("oid"), {"integer", "number"}},
        {QStringLiteral("character varying"), {"varchar", "string"}},
        {QStringLiteral("varchar"), {"varchar", "string"}},
        {QStringLiteral("character"), {"char", "string"}},
        {QStringLiteral("char"), {"char", "string"}},
        {QStringLiteral("bpchar"), {"char", "string"}},
        {QStringLiteral("\"char\""), {"char", "string"}},
        {QStringLiteral("text"), {"text", "string"}},
        {QStringLiteral("citext"), {"text", "string"}},
        {QStringLiteral("name"), {"text", "string"}},
        {QStringLiteral("uuid"), {"uuid", "string"}},
        {QStringLiteral("json"), {"json", "string"}},
        {QStringLiteral("jsonb"), {"jsonb", "string"}},
        {QStringLiteral("xml"), {"xml", "string"}},
        {QStringLiteral("bytea"), {"bytea", "string"}},
        {QStringLiteral("inet"), {"inet", "string"}},
        {QStringLiteral("cidr"), {"cidr", "string"}},
        {QStringLiteral("interval"), {"interval", "string"}},
        {QStringLiteral("boolean"), {"boolean", "boolean"}},
        {QStringLiteral("bool"), {"boolean", "boolean"}},
        {QStringLiteral("date"), {"date", "time"}},
        {QStringLiteral("timestamp without time zone"), {"timestamp", "time"}},
        {QStringLiteral("timestamp"), {"timestamp", "time"}},
        {QStringLiteral("timestamp with time zone"), {"timestamptz", "time"}},
        {QStringLiteral("timestamptz"), {"timestamptz", "time"}},
        {QStringLiteral("datetime"), {"timestamp", "time"}},
        {QStringLiteral("time without time zone"), {"time", "time"}},
        {QStringLiteral("time"), {"time", "time"}},
        {QStringLiteral("time with time zone"), {"timetz", "time"}},
        {QStringLiteral("timetz"), {"timetz", "time"}},
    };
    return table;
}

QString baseName(const QString &nativeType)
{
    QString base = sqlTypeBaseName(nativeType);
    // A schema-qualified type (public.mood) maps by its own name.
    if (base.startsWith(QLatin1String("pg_catalog.")))
        base = base.mid(11);
    return base;
}

} // namespace

QString PostgresDialect::name() const
{
    return QStringLiteral("postgres");
}

QString PostgresDialect::quoteIdentifier(const QString &identifier) const
{
    QString escaped = identifier;
    escaped.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString PostgresDialect::normalizedType(const QString &nativeType) const
{
    const QString base = baseName(nativeType);
    if (base.isEmpty())
        return QStringLiteral("text");
    if (base.endsWith(QLatin1String("[]")))
        return QStringLiteral("array");
    const auto it = typeTable().constFind(base);
    return it != typeTable().constEnd() ? QString::fromLatin1(it->normalized) : base;
}

QString PostgresDialect::dimensionType(const QString &nativeType) const
{
    const QString base = baseName(nativeType);
    if (base.endsWith(QLatin1String("[]")))
        return QStringLiteral("string");
    const auto it = typeTable().constFind(base);
    return it != typeTable().constEnd() ? QString::fromLatin1(it->dimension)
                                        : QStringLiteral("string");
}

} // namespace ktx
