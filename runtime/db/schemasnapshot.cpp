#include "db/schemasnapshot.h"

#include <QJsonArray>

namespace ktx {

namespace {

// The original writes null, not "", for values a database does not have.
QJsonValue stringOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QJsonValue countOrNull(const std::optional<qint64> &count)
{
    return count ? QJsonValue(double(*count)) : QJsonValue(QJsonValue::Null);
}

std::optional<qint64> countFrom(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    return qint64(value.toDouble());
}

} // namespace

QString TableRef::displayName() const
{
    if (db.isEmpty() || db == QLatin1String("main"))
        return name;
    return db + QLatin1Char('.') + name;
}

QStringList SchemaTable::primaryKey() const
{
    QStringList key;
    for (const SchemaColumn &c : columns) {
        if (c.primaryKey)
            key << c.name;
    }
    return key;
}

const SchemaColumn *SchemaTable::column(const QString &name) const
{
    for (const SchemaColumn &c : columns) {
        if (c.name == name)
            return &c;
    }
    return nullptr;
}

QJsonObject SchemaTable::toJson() const
{
    QJsonArray columnArray;
    for (const SchemaColumn &c : columns) {
        columnArray.append(QJsonObject {{QStringLiteral("name"), c.name},
                                        {QStringLiteral("nativeType"), c.nativeType},
                                        {QStringLiteral("normalizedType"), c.normalizedType},
                                        {QStringLiteral("dimensionType"), c.dimensionType},
                                        {QStringLiteral("nullable"), c.nullable},
                                        {QStringLiteral("primaryKey"), c.primaryKey},
                                        {QStringLiteral("comment"), stringOrNull(c.comment)}});
    }
    QJsonArray keyArray;
    for (const SchemaForeignKey &k : foreignKeys) {
        keyArray.append(
            QJsonObject {{QStringLiteral("fromColumn"), k.fromColumn},
                         {QStringLiteral("toCatalog"), stringOrNull(k.toCatalog)},
                         {QStringLiteral("toDb"), stringOrNull(k.toDb)},
                         {QStringLiteral("toTable"), k.toTable},
                         {QStringLiteral("toColumn"), k.toColumn},
                         {QStringLiteral("constraintName"), stringOrNull(k.constraintName)}});
    }
    return QJsonObject {{QStringLiteral("catalog"), stringOrNull(ref.catalog)},
                        {QStringLiteral("db"), stringOrNull(ref.db)},
                        {QStringLiteral("name"), ref.name},
                        {QStringLiteral("kind"), kind},
                        {QStringLiteral("comment"), stringOrNull(comment)},
                        {QStringLiteral("estimatedRows"), countOrNull(estimatedRows)},
                        {QStringLiteral("exactRows"), countOrNull(exactRows)},
                        {QStringLiteral("columns"), columnArray},
                        {QStringLiteral("foreignKeys"), keyArray}};
}

SchemaTable SchemaTable::fromJson(const QJsonObject &object)
{
    SchemaTable table;
    table.ref.catalog = object.value(QStringLiteral("catalog")).toString();
    table.ref.db = object.value(QStringLiteral("db")).toString();
    table.ref.name = object.value(QStringLiteral("name")).toString();
    table.kind = object.value(QStringLiteral("kind")).toString(QStringLiteral("table"));
    table.comment = object.value(QStringLiteral("comment")).toString();
    table.estimatedRows = countFrom(object.value(QStringLiteral("estimatedRows")));
    table.exactRows = countFrom(object.value(QStringLiteral("exactRows")));
    const QJsonArray columnArray = object.value(QStringLiteral("columns")).toArray();
    for (const QJsonValue &value : columnArray) {
        const QJsonObject c = value.toObject();
        SchemaColumn column;
        column.name = c.value(QStringLiteral("name")).toString();
        column.nativeType = c.value(QStringLiteral("nativeType")).toString();
        column.normalizedType = c.value(QStringLiteral("normalizedType")).toString();
        column.dimensionType = c.value(QStringLiteral("dimensionType")).toString();
        column.nullable = c.value(QStringLiteral("nullable")).toBool(true);
        column.primaryKey = c.value(QStringLiteral("primaryKey")).toBool(false);
        column.comment = c.value(QStringLiteral("comment")).toString();
        table.columns << column;
    }
    const QJsonArray keyArray = object.value(QStringLiteral("foreignKeys")).toArray();
    for (const QJsonValue &value : keyArray) {
        const QJsonObject k = value.toObject();
        table.foreignKeys << SchemaForeignKey {
            k.value(QStringLiteral("fromColumn")).toString(),
            k.value(QStringLiteral("toCatalog")).toString(),
            k.value(QStringLiteral("toDb")).toString(),
            k.value(QStringLiteral("toTable")).toString(),
            k.value(QStringLiteral("toColumn")).toString(),
            k.value(QStringLiteral("constraintName")).toString()};
    }
    return table;
}

const SchemaTable *SchemaSnapshot::table(const TableRef &ref) const
{
    for (const SchemaTable &t : tables) {
        if (t.ref == ref)
            return &t;
    }
    return nullptr;
}

} // namespace ktx
