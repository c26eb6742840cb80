#include "db/sqlitedialect.h"

#include "db/sqltypename.h"

namespace ktx {

namespace {

enum class Affinity { Integer, Text, Blob, Real, Numeric };

// https://www.sqlite.org/datatype3.html#determination_of_column_affinity, in
// its order: "FLOATING POINT" is INTEGER because it contains "INT".
Affinity affinity(const QString &upper)
{
    if (upper.contains(QLatin1String("INT")))
        return Affinity::Integer;
    if (upper.contains(QLatin1String("CHAR")) || upper.contains(QLatin1String("CLOB"))
        || upper.contains(QLatin1String("TEXT")))
        return Affinity::Text;
    if (upper.isEmpty() || upper.contains(QLatin1String("BLOB")))
        return Affinity::Blob;
    if (upper.contains(QLatin1String("REAL")) || upper.contains(QLatin1String("FLOA"))
        || upper.contains(QLatin1String("DOUB")))
        return Affinity::Real;
    return Affinity::Numeric;
}

bool isTemporal(const QString &upper)
{
    return upper.contains(QLatin1String("DATE")) || upper.contains(QLatin1String("TIME"));
}

bool isBoolean(const QString &upper)
{
    return upper.startsWith(QLatin1String("BOOL"));
}

// Not SQLite's rule (these get NUMERIC affinity), but such columns hold text in
// practice; calling them numbers would invite sums over names and ids.
bool isStringKeyword(const QString &upper)
{
    for (const char *prefix : {"STRING", "UUID", "GUID", "JSON", "XML"}) {
        if (upper.startsWith(QLatin1String(prefix)))
            return true;
    }
    return false;
}

} // namespace

QString SqliteDialect::name() const
{
    return QStringLiteral("sqlite");
}

QString SqliteDialect::quoteIdentifier(const QString &identifier) const
{
    QString escaped = identifier;
    escaped.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString SqliteDialect::formatTable(const TableRef &table) const
{
    if (table.db.isEmpty() || table.db == QLatin1String("main"))
        return quoteIdentifier(table.name);
    return quoteIdentifier(table.db) + QLatin1Char('.') + quoteIdentifier(table.name);
}

QString SqliteDialect::normalizedType(const QString &nativeType) const
{
    const QString upper = sqlTypeBaseName(nativeType).toUpper();
    if (upper.isEmpty() || isTemporal(upper) || isStringKeyword(upper))
        return QStringLiteral("text");
    if (isBoolean(upper))
        return QStringLiteral("integer");
    switch (affinity(upper)) {
    case Affinity::Integer:
        return QStringLiteral("integer");
    case Affinity::Text:
        return QStringLiteral("text");
    case Affinity::Blob:
        return QStringLiteral("blob");
    case Affinity::Real:
    case Affinity::Numeric:
        return QStringLiteral("real");
    }
    return QStringLiteral("text");
}

QString SqliteDialect::dimensionType(const QString &nativeType) const
{
    const QString upper = sqlTypeBaseName(nativeType).toUpper();
    if (upper.isEmpty() || isStringKeyword(upper))
        return QStringLiteral("string");
    if (isBoolean(upper))
        return QStringLiteral("boolean");
    if (isTemporal(upper))
        return QStringLiteral("time");
    switch (affinity(upper)) {
    case Affinity::Integer:
    case Affinity::Real:
    case Affinity::Numeric:
        return QStringLiteral("number");
    case Affinity::Text:
    case Affinity::Blob:
        return QStringLiteral("string");
    }
    return QStringLiteral("string");
}

} // namespace ktx
