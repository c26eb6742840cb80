#include "db/mysqldialect.h"

#include "db/sqltypename.h"

#include <QHash>
#include <QRegularExpression>

namespace ktx {

namespace {

struct TypeInfo
{
    const char *normalized;
    const char *dimension;
};

const QHash<QString, TypeInfo> &typeTable()
{
    static const QHash<QString, TypeInfo> table = {
        {QStringLiteral("tinyint"), {"smallint", "number"}},
        {QStringLiteral("smallint"), {"smallint", "number"}},
        {QStringLiteral("mediumint"), {"integer", "number"}},
        {QStringLiteral("int"), {"integer", "number"}},
        {QStringLiteral("integer"), {"integer", "number"}},
        {QStringLiteral("bigint"), {"bigint", "number"}},
        {QStringLiteral("decimal"), {"decimal", "number"}},
        {QStringLiteral("numeric"), {"decimal", "number"}},
        {QStringLiteral("dec"), {"decimal", "number"}},
        {QStringLiteral("fixed"), {"decimal", "number"}},
        {QStringLiteral("float"), {"float", "number"}},
        {QStringLiteral("double"), {"double", "number"}},
        {QStringLiteral("double precision"), {"double", "number"}},
        {QStringLiteral("real"), {"double", "number"}},
        {QStringLiteral("year"), {"year", "number"}},
        {QStringLiteral("bit"), {"bit", "number"}},
        {QStringLiteral("bool"), {"boolean", "boolean"}},
        {QStringLiteral("boolean"), {"boolean", "boolean"}},
        {QStringLiteral("char"), {"char", "string"}},
        {QStringLiteral("varchar"), {"varchar", "string"}},
        {QStringLiteral("tinytext"), {"text", "string"}},
        {QStringLiteral("text"), {"text", "string"}},
        {QStringLiteral("mediumtext"), {"text", "string"}},
        {QStringLiteral("longtext"), {"text", "string"}},
        {QStringLiteral("enum"), {"enum", "string"}},
        {QStringLiteral("set"), {"set", "string"}},
        {QStringLiteral("json"), {"json", "string"}},
        {QStringLiteral("uuid"), {"uuid", "string"}},
        {QStringLiteral("inet4"), {"inet", "string"}},
        {QStringLiteral("inet6"), {"inet", "string"}},
        {QStringLiteral("binary"), {"blob", "string"}},
        {QStringLiteral("varbinary"), {"blob", "string"}},
        {QStringLiteral("tinyblob"), {"blob", "string"}},
        {QStringLiteral("blob"), {"blob", "string"}},
        {QStringLiteral("mediumblob"), {"blob", "string"}},
        {QStringLiteral("longblob"), {"blob", "string"}},
        {QStringLiteral("date"), {"date", "time"}},
        {QStringLiteral("datetime"), {"datetime", "time"}},
        {QStringLiteral("timestamp"), {"timestamp", "time"}},
        {QStringLiteral("time"), {"time", "time"}},
    };
    return table;
}

// tinyint(1) and bit(1) are how MySQL spells a boolean.
bool isBoolean(const QString &nativeType)
{
    static const QRegularExpression re(QStringLiteral("^\\s*(tinyint|bit)\\s*\\(\\s*1\\s*\\)"),
                                       QRegularExpression::CaseInsensitiveOption);
    return re.match(nativeType).hasMatch();
}

QString baseName(const QString &nativeType)
{
    QString base = sqlTypeBaseName(nativeType);
    for (const char *suffix : {" zerofill", " unsigned", " signed"}) {
        if (base.endsWith(QLatin1String(suffix)))
            base.chop(int(qstrlen(suffix)));
    }
    return base;
}

} // namespace

QString MysqlDialect::name() const
{
    return QStringLiteral("mysql");
}

QString MysqlDialect::quoteIdentifier(const QString &identifier) const
{
    QString escaped = identifier;
    escaped.replace(QLatin1Char('`'), QLatin1String("``"));
    return QLatin1Char('`') + escaped + QLatin1Char('`');
}

QString MysqlDialect::normalizedType(const QString &nativeType) const
{
    if (isBoolean(nativeType))
        return QStringLiteral("boolean");
    const QString base = baseName(nativeType);
    if (base.isEmpty())
        return QStringLiteral("text");
    const auto it = typeTable().constFind(base);
    return it != typeTable().constEnd() ? QString::fromLatin1(it->normalized) : base;
}

QString MysqlDialect::dimensionType(const QString &nativeType) const
{
    if (isBoolean(nativeType))
        return QStringLiteral("boolean");
    const auto it = typeTable().constFind(baseName(nativeType));
    return it != typeTable().constEnd() ? QString::fromLatin1(it->dimension)
                                        : QStringLiteral("string");
}

} // namespace ktx
