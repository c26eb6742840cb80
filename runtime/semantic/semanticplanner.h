#pragma once

#include "core/result.h"
#include "semantic/joingraph.h"
#include "semantic/semanticplan.h"
#include "semantic/semanticquery.h"
#include "semantic/semanticsource.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace ktx {

// Turns a semantic query into a plan (ktx-internals §4.4): resolves dimensions
// and measures (predefined, composed, derived in dependency order), applies
// segments, picks the anchor, joins every needed source along the cheapest
// path (one_to_many is expensive), and detects fan-out and chasm traps, where
// each measure group must be aggregated on its own before the results are
// merged. Whenever the answer would be wrong or ambiguous it refuses with an
// error that names what to change, instead of returning SQL that double counts.
class SemanticPlanner
{
public:
    SemanticPlanner(const QList<SemanticSource> &sources, const JoinGraph &graph,
                    const QString &dialect);

    Result<SemanticPlan> plan(const SemanticQuery &query) const;

private:
    struct Parsed;
    Parsed parse(const QString &expr, const QSet<QString> &knownMeasures = {}) const;
    const SemanticSource *source(const QString &nameOrAlias) const;

    Result<void> validateVisibility(const SemanticQuery &query) const;
    Result<QList<QueryDimension>> resolveDimensions(const QList<QueryDimension> &dims) const;
    Result<QList<ResolvedMeasure>> resolveMeasures(const QList<QueryMeasure> &raw) const;
    Result<ResolvedMeasure> resolveMeasureString(const QString &text,
                                                 const QSet<QString> &colliding) const;
    Result<ResolvedMeasure> resolveMeasureObject(const QueryMeasure &m, QSet<QString> &named,
                                                 const QSet<QString> &colliding) const;
    Result<QList<ResolvedMeasure>> expandPredefinedChains(const QList<ResolvedMeasure> &in) const;
    Result<QList<ResolvedMeasure>>
    addPredefinedDependencies(const QList<ResolvedMeasure> &in) const;
    Result<QList<ResolvedMeasure>> sortByDependency(const QList<ResolvedMeasure> &in) const;
    Result<QList<ResolvedMeasure>> applyQuerySegments(const QList<ResolvedMeasure> &in,
                                                      const QStringList &segments) const;
    Result<void> validateColumnRefs(const QList<ResolvedMeasure> &measures,
                                    const QList<QueryDimension> &dims,
                                    const QStringList &filters) const;

    std::optional<QPair<QString, QString>> matchPredefinedRef(const QString &text) const;
    Result<std::optional<QPair<QString, QString>>>
    resolveUnqualifiedMeasure(const QString &bare) const;
    QList<QPair<QString, QString>> extractPredefinedRefs(const QString &expr) const;
    QString qualifyPredefinedExpr(const QString &expr, const QString &sourceName) const;
    Result<QString> composeMeasureFilter(const SourceMeasure &measure,
                                         const QString &sourceName) const;
    Result<ResolvedMeasure> predefinedMeasure(const QString &sourceName, const QString &measureName,
                                              const QSet<QString> &colliding) const;

    struct FanOut
    {
        bool hasFanOut = false;
        QList<MeasureGroup> groups;
        QString description;
        QStringList locality;
    };
    Result<FanOut> detectFanOut(const QList<ResolvedMeasure> &measures,
                                const QList<QueryDimension> &dims,
                                const QStringList &filters) const;
    QList<MeasureGroup> mergeSafeGroups(const QList<MeasureGroup> &groups) const;
    bool isGrainSafe(const std::optional<JoinPath> &path) const;

    Result<QPair<QStringList, QStringList>>
    classifyFilters(const QStringList &filters, const QList<ResolvedMeasure> &measures) const;
    QString classifyClause(const QString &clause, const QSet<QString> &measureNames,
                           const QSet<QString> &predefinedRefs) const;

    QList<SemanticSource> m_sourceList;
    QHash<QString, int> m_index; // source name -> position in m_sourceList
    const JoinGraph &m_graph;
    QString m_dialect;
};

} // namespace ktx
