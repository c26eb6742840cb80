#include "scan/columnprofile.h"

#include "scan/scanjson.h"

#include <QJsonArray>

namespace ktx {

double ColumnProfile::uniquenessRatio() const
{
    const qint64 nonNull = nonNullCount();
    return nonNull > 0 ? double(distinctCount) / double(nonNull) : 0.0;
}

QJsonObject ColumnProfile::toJson() const
{
    QJsonArray top;
    for (const ValueCount &value : topValues)
        top.append(QJsonObject {{QStringLiteral("value"), value.value},
                                {QStringLiteral("count"), value.count}});
    QJsonObject object {
        {QStringLiteral("name"), name},
        {QStringLiteral("dimensionType"), dimensionType},
        {QStringLiteral("sampledRows"), sampledRows},
        {QStringLiteral("nullCount"), nullCount},
        {QStringLiteral("nullRate"), ScanJson::rounded(nullRate())},
        {QStringLiteral("distinctCount"), distinctCount},
        {QStringLiteral("uniquenessRatio"), ScanJson::rounded(uniquenessRatio())},
        {QStringLiteral("minLength"), minLength},
        {QStringLiteral("maxLength"), maxLength},
        {QStringLiteral("topValues"), top},
    };
    object.insert(QStringLiteral("min"), QJsonValue::fromVariant(minValue));
    object.insert(QStringLiteral("max"), QJsonValue::fromVariant(maxValue));
    return object;
}

const ColumnProfile *TableProfile::column(const QString &name) const
{
    for (const ColumnProfile &profile : columns) {
        if (profile.name == name)
            return &profile;
    }
    return nullptr;
}

std::optional<qint64> TableProfile::knownRows() const
{
    if (tableRows)
        return tableRows;
    if (sampleComplete)
        return sampledRows;
    return std::nullopt;
}

QJsonObject TableProfile::toJson() const
{
    QJsonArray columnArray;
    for (const ColumnProfile &profile : columns)
        columnArray.append(profile.toJson());
    QJsonObject object {
        {QStringLiteral("table"), ScanJson::tableRef(table)},
        {QStringLiteral("sampledRows"), sampledRows},
        {QStringLiteral("sampleComplete"), sampleComplete},
        {QStringLiteral("elapsedMs"), elapsedMs},
        {QStringLiteral("columns"), columnArray},
    };
    if (tableRows)
        object.insert(QStringLiteral("tableRows"), *tableRows);
    return object;
}

const TableProfile *ProfilingResult::table(const TableRef &ref) const
{
    for (const TableProfile &profile : tables) {
        if (profile.table == ref)
            return &profile;
    }
    return nullptr;
}

QJsonObject ProfilingResult::toJson() const
{
    QJsonArray tableArray;
    for (const TableProfile &profile : tables)
        tableArray.append(profile.toJson());
    QJsonArray warningArray;
    for (const ScanWarning &warning : warnings)
        warningArray.append(warning.toJson());
    QJsonObject object {
        {QStringLiteral("tables"), tableArray},
        {QStringLiteral("warnings"), warningArray},
        {QStringLiteral("skippedTables"), skippedTables},
        {QStringLiteral("elapsedMs"), elapsedMs},
    };
    if (!stopReason.isEmpty())
        object.insert(QStringLiteral("stopReason"), stopReason);
    return object;
}

} // namespace ktx
