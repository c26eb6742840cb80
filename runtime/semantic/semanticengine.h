#pragma once

#include "core/result.h"
#include "semantic/joingraph.h"
#include "semantic/semanticdialect.h"
#include "semantic/semanticplan.h"
#include "semantic/semanticquery.h"
#include "semantic/semanticsource.h"
#include "semantic/semanticsqlgenerator.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace ktx {

// The semantic layer of one connection, ready to compile queries: the sources,
// their join graph, a planner and a generator. Joins to sources that are not
// in the set are dropped (with a warning in every plan), as the original does
// for a connection's local query.
class SemanticEngine
{
public:
    struct Compiled
    {
        QString sql;
        QString dialect;
        SemanticPlan plan;
    };

    explicit SemanticEngine(QList<SemanticSource> sources);

    const QList<SemanticSource> &sources() const { return m_sources; }
    const JoinGraph &graph() const { return *m_graph; }
    const QStringList &warnings() const { return m_warnings; }

    Result<SemanticPlan> plan(const SemanticQuery &query, const QString &dialect) const;
    Result<Compiled> compile(const SemanticQuery &query, const QString &dialect,
                             SemanticSqlGenerator::MergeStrategy strategy
                             = SemanticSqlGenerator::MergeStrategy::Auto) const;

private:
    QList<SemanticSource> m_sources;
    std::unique_ptr<JoinGraph> m_graph;
    QStringList m_warnings;
};

} // namespace ktx
