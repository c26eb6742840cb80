#include "semantic/semanticengine.h"

#include "semantic/semanticplanner.h"

#include <QSet>

namespace ktx {

SemanticEngine::SemanticEngine(QList<SemanticSource> sources)
    : m_sources(std::move(sources))
{
    QSet<QString> names;
    for (const SemanticSource &s : m_sources)
        names.insert(s.name);
    for (SemanticSource &s : m_sources) {
        for (qsizetype i = s.joins.size() - 1; i >= 0; --i) {
            if (!names.contains(s.joins[i].to)) {
                m_warnings << QStringLiteral("Source '%1' joins to '%2', which is not defined; the "
                                             "join is ignored.")
                                  .arg(s.name, s.joins[i].to);
                s.joins.removeAt(i);
            }
        }
    }
    m_graph = std::make_unique<JoinGraph>(m_sources);
    m_warnings += m_graph->joinErrors();
}

Result<SemanticPlan> SemanticEngine::plan(const SemanticQuery &query, const QString &dialect) const
{
    Result<SemanticDialect> d = SemanticDialect::forName(dialect);
    if (!d.ok())
        return d.error();
    Result<SemanticPlan> p = SemanticPlanner(m_sources, *m_graph, d->name()).plan(query);
    if (p.ok())
        p->warnings = m_warnings + p->warnings;
    return p;
}

Result<SemanticEngine::Compiled>
SemanticEngine::compile(const SemanticQuery &query, const QString &dialect,
                        SemanticSqlGenerator::MergeStrategy strategy) const
{
    Result<SemanticDialect> d = SemanticDialect::forName(dialect);
    if (!d.ok())
        return d.error();
    Result<SemanticPlan> p = plan(query, d->name());
    if (!p.ok())
        return p.error();
    SemanticSqlGenerator generator(m_sources, *m_graph, *d);
    generator.setMergeStrategy(strategy);
    Result<QString> sql = generator.generate(*p);
    if (!sql.ok())
        return sql.error();
    return Compiled {*sql, d->name(), *p};
}

} // namespace ktx
