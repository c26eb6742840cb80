#include "semantic/semanticplan.h"

#include <QJsonArray>

namespace ktx {

namespace {

QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

} // namespace

QJsonObject ResolvedMeasure::toJson() const
{
    return QJsonObject {{QStringLiteral("name"), name},
                        {QStringLiteral("expr"), expr},
                        {QStringLiteral("source_name"), sourceName},
                        {QStringLiteral("original_name"), orNull(originalName)},
                        {QStringLiteral("qualified_ref"), orNull(qualifiedRef)},
                        {QStringLiteral("filter"), orNull(filter)},
                        {QStringLiteral("provenance"), provenance},
                        {QStringLiteral("is_derived"), isDerived},
                        {QStringLiteral("depends_on"), QJsonArray::fromStringList(dependsOn)},
                        {QStringLiteral("description"), orNull(description)}};
}

QStringList SemanticPlan::joinPaths() const
{
    QStringList out;
    for (const JoinEdge &e : joins)
        out << e.description();
    return out;
}

QJsonObject SemanticPlan::toJson() const
{
    QJsonArray joinArray;
    for (const JoinEdge &e : joins)
        joinArray.append(
            QJsonObject {{QStringLiteral("from_source"), e.fromSource},
                         {QStringLiteral("to_source"), e.toSource},
                         {QStringLiteral("from_column"), e.fromColumns.join(QLatin1Char(','))},
                         {QStringLiteral("to_column"), e.toColumns.join(QLatin1Char(','))},
                         {QStringLiteral("relationship"), e.relationship}});
    QJsonArray groups;
    for (const MeasureGroup &g : measureGroups) {
        QJsonArray ms;
        for (const ResolvedMeasure &m : g.measures)
            ms.append(m.toJson());
        groups.append(QJsonObject {{QStringLiteral("source_name"), g.sourceName},
                                   {QStringLiteral("measures"), ms}});
    }
    QJsonArray cols;
    for (const ResolvedColumn &c : columns)
        cols.append(QJsonObject {{QStringLiteral("name"), c.name},
                                 {QStringLiteral("provenance"), c.provenance},
                                 {QStringLiteral("expr"), orNull(c.expr)},
                                 {QStringLiteral("description"), orNull(c.description)},
                                 {QStringLiteral("granularity"), orNull(c.granularity)}});
    QJsonArray ms;
    for (const ResolvedMeasure &m : measures)
        ms.append(m.toJson());
    QJsonArray dims;
    for (const QueryDimension &d : dimensions)
        dims.append(QJsonObject {{QStringLiteral("field"), d.field},
                                 {QStringLiteral("granularity"), orNull(d.granularity)}});
    QJsonArray order;
    for (const QueryOrder &o : orderBy)
        order.append(QJsonObject {{QStringLiteral("field"), o.field},
                                  {QStringLiteral("direction"), o.direction}});
    return QJsonObject {
        {QStringLiteral("sources_used"), QJsonArray::fromStringList(sourcesUsed)},
        {QStringLiteral("join_paths"), QJsonArray::fromStringList(joinPaths())},
        {QStringLiteral("joins"), joinArray},
        {QStringLiteral("anchor_source"), orNull(anchorSource)},
        {QStringLiteral("anchor_grain"), QJsonArray::fromStringList(anchorGrain)},
        {QStringLiteral("fan_out_description"), fanOutDescription},
        {QStringLiteral("has_fan_out"), hasFanOut},
        {QStringLiteral("measure_groups"), groups},
        {QStringLiteral("aggregate_locality"), QJsonArray::fromStringList(aggregateLocality)},
        {QStringLiteral("where_filters"), QJsonArray::fromStringList(whereFilters)},
        {QStringLiteral("having_filters"), QJsonArray::fromStringList(havingFilters)},
        {QStringLiteral("columns"), cols},
        {QStringLiteral("measures"), ms},
        {QStringLiteral("dimensions"), dims},
        {QStringLiteral("order_by"), order},
        {QStringLiteral("limit"), limit},
        {QStringLiteral("include_empty"), includeEmpty},
        {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)}};
}

} // namespace ktx
