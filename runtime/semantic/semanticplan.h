#pragma once

#include "semantic/joingraph.h"
#include "semantic/semanticquery.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace ktx {

// A measure after resolution: predefined ("verified", with its filter and
// segments composed in), composed at query time, or derived from other
// measures after aggregation (source "__derived__").
struct ResolvedMeasure
{
    QString name; // output column
    QString expr; // qualified aggregate, or for derived measures an expression over names
    QString sourceName; // base source (or alias); "__derived__" for derived measures
    QString originalName;
    QString qualifiedRef; // "source.measure" for predefined measures
    QString filter; // ANDed measure filter, segments included
    QString provenance; // verified | composed
    QString description;
    bool isDerived = false;
    QStringList dependsOn;

    QJsonObject toJson() const;
};

struct MeasureGroup
{
    QString sourceName;
    QList<ResolvedMeasure> measures;
};

struct ResolvedColumn
{
    QString name;
    QString provenance; // verified | composed | dimension
    QString expr;
    QString description;
    QString granularity;
};

// What the planner decided: which sources, joined how, from which anchor,
// whether measures must be pre-aggregated per group (fan-out / chasm trap), and
// which filters go to WHERE and HAVING. The generator only renders it.
struct SemanticPlan
{
    QStringList sourcesUsed; // sorted
    QList<JoinEdge> joins; // join tree edges, from the anchor outwards
    QString anchorSource;
    QStringList anchorGrain;
    QString fanOutDescription;
    bool hasFanOut = false;
    QList<MeasureGroup> measureGroups; // one pre-aggregation CTE each when hasFanOut
    QStringList aggregateLocality;
    QStringList whereFilters;
    QStringList havingFilters;
    QList<ResolvedColumn> columns;
    QList<ResolvedMeasure> measures; // dependency order
    QList<QueryDimension> dimensions;
    QList<QueryOrder> orderBy;
    int limit = 1000;
    bool includeEmpty = true;
    QStringList warnings; // ambiguous join paths and similar

    QStringList joinPaths() const;
    QJsonObject toJson() const;
};

} // namespace ktx
