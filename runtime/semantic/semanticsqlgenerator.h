#pragma once

#include "core/result.h"
#include "semantic/joingraph.h"
#include "semantic/semanticdialect.h"
#include "semantic/semanticplan.h"
#include "semantic/semanticsource.h"

#include <QHash>
#include <QList>
#include <QString>

namespace ktx {

// Renders a plan as one SELECT for a dialect (ktx-internals §4.5). Without
// fan-out: anchor, joins, WHERE, GROUP BY, HAVING. With fan-out or a chasm trap:
// one pre-aggregation CTE per measure group that joins only what it can reach
// without one_to_many edges, merged on the shared dimension keys. `sql:`
// sources become CTEs with their body verbatim.
class SemanticSqlGenerator
{
public:
    // How pre-aggregated groups are merged: a FULL JOIN with COALESCEd keys (the
    // original's shape), or the union of all keys LEFT JOINed to each group on
    // NULL-safe equality (databases without FULL JOIN). Auto picks FullJoin
    // where the dialect has it.
    enum class MergeStrategy { Auto, FullJoin, KeyUnion };

    SemanticSqlGenerator(const QList<SemanticSource> &sources, const JoinGraph &graph,
                         const SemanticDialect &dialect);

    void setMergeStrategy(MergeStrategy strategy) { m_strategy = strategy; }
    Result<QString> generate(const SemanticPlan &plan) const;

    // The output column name of a dimension (leaf, or source_column when two
    // leaves collide, plus _<granularity>).
    static QString dimensionAlias(const QueryDimension &dim, const QList<QueryDimension> &all);

private:
    struct DimKey
    {
        QString expr;
        QString alias;
    };

    const SemanticSource *source(const QString &nameOrAlias) const;
    Result<QString> sourceRef(const QString &name) const;
    QStringList sourceCtes(const SemanticPlan &plan) const;
    QString renderExpr(const QString &expr) const;
    QString renderPredicate(const QString &expr) const;
    Result<QString> measureExpr(const ResolvedMeasure &m, bool outerJoined) const;
    Result<QString> dimensionExpr(const QueryDimension &d) const;
    QString joinCondition(const JoinEdge &e) const;
    QString substitute(const QString &expr, const QHash<QString, QString> &replacements) const;
    Result<QString> orderField(const QString &field, const SemanticPlan &plan) const;
    Result<QString> orderByClause(const SemanticPlan &plan, int dimensionCount) const;

    Result<QString> generateSimple(const SemanticPlan &plan) const;
    Result<QString> generateLocality(const SemanticPlan &plan) const;

    QList<SemanticSource> m_sources;
    QHash<QString, int> m_index;
    const JoinGraph &m_graph;
    SemanticDialect m_dialect;
    MergeStrategy m_strategy = MergeStrategy::Auto;
};

} // namespace ktx
