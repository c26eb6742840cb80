#include "semantic/semanticsqlgenerator.h"

#include "semantic/sqlexpression.h"

#include <QSet>

#include <algorithm>

namespace ktx {

namespace {

Error generateError(const char *code, const QString &message, const QString &hint = {})
{
    return makeError(QString::fromLatin1(code), message, hint);
}

QString leafOf(const QString &field)
{
    return field.contains(QLatin1Char('.')) ? field.section(QLatin1Char('.'), -1) : field;
}

QStringList sorted(const QSet<QString> &set)
{
    QStringList out(set.cbegin(), set.cend());
    std::sort(out.begin(), out.end());
    return out;
}

QString normalized(const QString &sql)
{
    QString out;
    for (const QChar c : sql) {
        if (!c.isSpace())
            out += c.toLower();
    }
    return out;
}

bool isSafe(const QString &relationship)
{
    return relationship == QLatin1String("many_to_one")
        || relationship == QLatin1String("one_to_one");
}

QString inverse(const QString &relationship)
{
    if (relationship == QLatin1String("many_to_one"))
        return QStringLiteral("one_to_many");
    if (relationship == QLatin1String("one_to_many"))
        return QStringLiteral("many_to_one");
    return relationship;
}

using SafeAdjacency = QHash<QString, QList<QPair<QString, JoinEdge>>>;

// Joins that cannot multiply the rows of the side they start from.
SafeAdjacency safeAdjacency(const SemanticPlan &plan)
{
    SafeAdjacency adjacency;
    for (const JoinEdge &j : plan.joins) {
        if (isSafe(j.relationship))
            adjacency[j.fromSource].append({j.toSource, j});
        if (isSafe(inverse(j.relationship)))
            adjacency[j.toSource].append({j.fromSource, j});
    }
    return adjacency;
}

// Breadth-first path over safe joins; empty when unreachable (or start == target).
QList<QPair<JoinEdge, QString>> safePath(const QString &start, const QString &target,
                                         const SafeAdjacency &adjacency)
{
    if (start == target)
        return {};
    QHash<QString, QPair<QString, JoinEdge>> parents;
    parents.insert(start, {QString(), JoinEdge {}});
    QStringList queue {start};
    while (!queue.isEmpty()) {
        const QString current = queue.takeFirst();
        if (current == target)
            break;
        for (const auto &[next, join] : adjacency.value(current)) {
            if (parents.contains(next))
                continue;
            parents.insert(next, {current, join});
            queue << next;
        }
    }
    if (!parents.contains(target))
        return {};
    QList<QPair<JoinEdge, QString>> steps;
    QString current = target;
    while (current != start) {
        const auto &[parent, join] = parents.value(current);
        steps.prepend({join, current});
        current = parent;
    }
    return steps;
}

} // namespace

SemanticSqlGenerator::SemanticSqlGenerator(const QList<SemanticSource> &sources,
                                           const JoinGraph &graph, const SemanticDialect &dialect)
    : m_sources(sources)
    , m_graph(graph)
    , m_dialect(dialect)
{
    for (int i = 0; i < m_sources.size(); ++i)
        m_index.insert(m_sources[i].name, i);
}

const SemanticSource *SemanticSqlGenerator::source(const QString &nameOrAlias) const
{
    const auto it = m_index.constFind(m_graph.actualSource(nameOrAlias));
    return it == m_index.cend() ? nullptr : &m_sources[*it];
}

QString SemanticSqlGenerator::dimensionAlias(const QueryDimension &dim,
                                             const QList<QueryDimension> &all)
{
    const QString leaf = leafOf(dim.field);
    int same = 0;
    for (const QueryDimension &d : all) {
        if (leafOf(d.field) == leaf)
            ++same;
    }
    QString alias
        = same > 1 ? QString(dim.field).replace(QLatin1Char('.'), QLatin1Char('_')) : leaf;
    if (!dim.granularity.isEmpty())
        alias += QLatin1Char('_') + dim.granularity;
    return alias;
}

Result<QString> SemanticSqlGenerator::sourceRef(const QString &name) const
{
    const SemanticSource *s = source(name);
    if (!s)
        return generateError(
            "sl_unknown_source",
            QStringLiteral("Cannot generate SQL: source '%1' is not defined").arg(name));
    const QString alias = m_dialect.identifier(name);
    if (s->isSqlSource())
        return s->name == name
            ? alias
            : QString(m_dialect.identifier(s->name) + QStringLiteral(" AS ") + alias);
    return QString(s->table + QStringLiteral(" AS ") + alias);
}

QStringList SemanticSqlGenerator::sourceCtes(const SemanticPlan &plan) const
{
    QStringList ctes;
    QSet<QString> done;
    for (const QString &name : plan.sourcesUsed) {
        const SemanticSource *s = source(name);
        if (!s || !s->isSqlSource() || done.contains(s->name))
            continue;
        done.insert(s->name);
        QString body = s->sql.trimmed();
        while (body.endsWith(QLatin1Char(';')))
            body.chop(1);
        // The body stays verbatim, in the connection's own dialect; a WITH inside
        // it is a nested WITH, which every supported database accepts.
        ctes << m_dialect.identifier(s->name) + QStringLiteral(" AS (\n") + body.trimmed()
                + QStringLiteral("\n)");
    }
    return ctes;
}

// Computed columns are expanded to their expression (qualified with the alias
// they are used through) and reserved-word identifiers are quoted; everything
// else keeps the author's text.
QString SemanticSqlGenerator::renderExpr(const QString &expr) const
{
    const SqlExpression e(expr, m_dialect.name());
    return e.rewriteRefs([&](const SqlExpression::ColumnRef &r) -> std::optional<QString> {
        if (r.qualifier.isEmpty())
            return std::nullopt;
        const SemanticSource *s = source(r.qualifier);
        const SourceColumn *c = s ? s->column(r.name) : nullptr;
        if (c && c->isComputed()) {
            const SqlExpression computed(c->expr, m_dialect.name());
            const QString inner = computed.rewriteRefs([&](const SqlExpression::ColumnRef &cr) {
                if (!cr.qualifier.isEmpty() || !s->column(cr.name))
                    return std::optional<QString>();
                return std::optional<QString>(m_dialect.identifier(r.qualifier) + QLatin1Char('.')
                                              + m_dialect.identifier(cr.name));
            });
            return QLatin1Char('(') + inner + QLatin1Char(')');
        }
        const QString q = m_dialect.identifier(r.qualifier);
        const QString n = m_dialect.identifier(r.name);
        if (q == r.qualifier && n == r.name)
            return std::nullopt;
        return q + QLatin1Char('.') + n;
    });
}

// A predicate joined with others by AND: parenthesized when it has a top-level
// OR, so "a OR b" AND "c" keeps its meaning.
QString SemanticSqlGenerator::renderPredicate(const QString &expr) const
{
    const QString rendered = renderExpr(expr);
    if (SqlExpression(rendered, m_dialect.name()).splitTopLevel(QStringLiteral("or")).size() > 1)
        return QLatin1Char('(') + rendered + QLatin1Char(')');
    return rendered;
}

Result<QString> SemanticSqlGenerator::measureExpr(const ResolvedMeasure &m, bool outerJoined) const
{
    QString expr = renderExpr(m.expr);
    const SemanticSource *own = source(m.sourceName);
    if (outerJoined && own && !own->grain.isEmpty()) {
        // LEFT JOINed from the dimension side, a group without rows of the
        // measure's source still has one (all-NULL) row: COUNT(*) would count
        // it. Count the source's key instead.
        const SqlExpression e(expr, m_dialect.name());
        expr = e.rewriteAggregates([&](const SqlExpression::FunctionCall &call,
                                       const QString &) -> std::optional<QString> {
            if (call.name != QLatin1String("count") || call.arguments.size() != 1
                || e.textOf(call.arguments.first().first, call.arguments.first().second).trimmed()
                    != QLatin1String("*"))
                return std::nullopt;
            return QStringLiteral("COUNT(%1.%2)")
                .arg(m_dialect.identifier(m.sourceName), m_dialect.identifier(own->grain.first()));
        });
    }
    if (!m.filter.isEmpty()) {
        const QString filter = renderExpr(m.filter);
        // The filter goes inside each aggregate, so rows outside it count as NULL
        // (COUNT(*) becomes COUNT(CASE WHEN f THEN 1 END)).
        const SqlExpression e(expr, m_dialect.name());
        bool injected = false;
        const QString rewritten
            = e.rewriteAggregates([&](const SqlExpression::FunctionCall &call,
                                      const QString &) -> std::optional<QString> {
                  if (call.arguments.isEmpty())
                      return std::nullopt;
                  injected = true;
                  const QString name = e.textOf(call.nameToken, call.nameToken).toUpper();
                  auto [first, last] = call.arguments.first();
                  QString argument = e.textOf(first, last).trimmed();
                  QString prefix;
                  if (call.distinct) {
                      prefix = QStringLiteral("DISTINCT ");
                      argument = argument.mid(8).trimmed();
                  }
                  const QString value
                      = argument == QLatin1String("*") ? QStringLiteral("1") : argument;
                  QString out = name + QLatin1Char('(') + prefix + QStringLiteral("CASE WHEN ")
                      + filter + QStringLiteral(" THEN ") + value + QStringLiteral(" END");
                  for (int i = 1; i < call.arguments.size(); ++i)
                      out += QStringLiteral(", ")
                          + e.textOf(call.arguments[i].first, call.arguments[i].second).trimmed();
                  return out + QLatin1Char(')');
              });
        expr = injected ? rewritten : QStringLiteral("CASE WHEN %1 THEN %2 END").arg(filter, expr);
    }
    // median / percentile / count_distinct are ktx spellings; translate them.
    const SqlExpression e(expr, m_dialect.name());
    std::optional<Error> failure;
    const QString translated = e.rewriteAggregates(
        [&](const SqlExpression::FunctionCall &call, const QString &) -> std::optional<QString> {
            const auto arg = [&](int i) {
                return e.textOf(call.arguments[i].first, call.arguments[i].second).trimmed();
            };
            if (call.name == QLatin1String("count_distinct") && !call.arguments.isEmpty())
                return QStringLiteral("COUNT(DISTINCT %1)").arg(arg(0));
            if ((call.name == QLatin1String("median") && !call.arguments.isEmpty())
                || (call.name == QLatin1String("percentile") && call.arguments.size() >= 2)) {
                Result<QString> p = m_dialect.percentile(
                    arg(0), call.name == QLatin1String("median") ? QStringLiteral("0.5") : arg(1));
                if (!p.ok()) {
                    failure = p.error();
                    return std::nullopt;
                }
                return *p;
            }
            return std::nullopt;
        });
    if (failure)
        return *failure;
    return translated;
}

Result<QString> SemanticSqlGenerator::dimensionExpr(const QueryDimension &d) const
{
    const QString field = renderExpr(d.field);
    if (d.granularity.isEmpty())
        return field;
    return m_dialect.timeTrunc(d.granularity, field);
}

QString SemanticSqlGenerator::joinCondition(const JoinEdge &e) const
{
    QStringList conditions;
    for (int i = 0; i < e.fromColumns.size() && i < e.toColumns.size(); ++i)
        conditions << m_dialect.identifier(e.fromSource) + QLatin1Char('.')
                + m_dialect.identifier(e.fromColumns[i]) + QStringLiteral(" = ")
                + m_dialect.identifier(e.toSource) + QLatin1Char('.')
                + m_dialect.identifier(e.toColumns[i]);
    return conditions.join(QStringLiteral(" AND "));
}

// Replaces measure names by their SQL; a divisor is wrapped in NULLIF(x, 0) so
// an empty group gives NULL instead of a division-by-zero error, and anything
// that is not atomic is parenthesized so precedence survives.
QString SemanticSqlGenerator::substitute(const QString &expr,
                                         const QHash<QString, QString> &replacements) const
{
    const SqlExpression e(expr, m_dialect.name());
    const QSet<QString> divisors = e.divisorNames();
    return e.rewriteRefs([&](const SqlExpression::ColumnRef &r) -> std::optional<QString> {
        if (!r.qualifier.isEmpty() || !replacements.contains(r.name))
            return std::nullopt;
        const QString text = replacements.value(r.name);
        if (divisors.contains(r.name))
            return QStringLiteral("NULLIF(%1, 0)").arg(text);
        if (SqlExpression(text, m_dialect.name()).isAtomic())
            return text;
        return QLatin1Char('(') + text + QLatin1Char(')');
    });
}

Result<QString> SemanticSqlGenerator::orderField(const QString &field,
                                                 const SemanticPlan &plan) const
{
    const QString f = field.trimmed().toLower();
    for (const ResolvedMeasure &m : plan.measures) {
        if (f == m.name.toLower() || f == m.expr.toLower() || f == m.qualifiedRef.toLower()
            || (!m.isDerived && f == (m.sourceName + QLatin1Char('.') + m.name).toLower()))
            return m_dialect.identifier(m.name);
    }
    for (const QueryDimension &d : plan.dimensions) {
        const QString alias = dimensionAlias(d, plan.dimensions);
        if (f == d.field.toLower() || f == alias.toLower())
            return m_dialect.identifier(alias);
    }
    QStringList known;
    for (const ResolvedColumn &c : plan.columns)
        known << c.name;
    return generateError("sl_unknown_order_field",
                         QStringLiteral("ORDER BY field '%1' is not a recognized measure or "
                                        "dimension in this query")
                             .arg(field),
                         QStringLiteral("Order by one of the output columns: %1.")
                             .arg(known.join(QStringLiteral(", "))));
}

Result<QString> SemanticSqlGenerator::orderByClause(const SemanticPlan &plan,
                                                    int dimensionCount) const
{
    QStringList parts;
    if (!plan.orderBy.isEmpty()) {
        for (const QueryOrder &o : plan.orderBy) {
            Result<QString> field = orderField(o.field, plan);
            if (!field.ok())
                return field.error();
            parts << (o.direction.toLower() == QLatin1String("desc")
                          ? *field + QStringLiteral(" DESC")
                          : *field);
        }
    } else {
        for (int i = 1; i <= dimensionCount; ++i)
            parts << QString::number(i);
    }
    return parts.isEmpty()
        ? QString()
        : QString(QStringLiteral("ORDER BY ") + parts.join(QStringLiteral(", ")));
}

Result<QString> SemanticSqlGenerator::generate(const SemanticPlan &plan) const
{
    const QStringList native = sourceCtes(plan);
    Result<QString> outer = plan.hasFanOut && !plan.measureGroups.isEmpty() ? generateLocality(plan)
                                                                            : generateSimple(plan);
    if (!outer.ok() || native.isEmpty())
        return outer;
    if (outer->startsWith(QLatin1String("WITH ")))
        return QString(QStringLiteral("WITH ") + native.join(QStringLiteral(",\n"))
                       + QStringLiteral(",\n") + outer->mid(5));
    return QString(QStringLiteral("WITH ") + native.join(QStringLiteral(",\n")) + QLatin1Char('\n')
                   + *outer);
}

Result<QString> SemanticSqlGenerator::generateSimple(const SemanticPlan &plan) const
{
    QStringList parts;
    QStringList select;
    QStringList groupBy;
    for (const QueryDimension &d : plan.dimensions) {
        Result<QString> expr = dimensionExpr(d);
        if (!expr.ok())
            return expr.error();
        select << *expr + QStringLiteral(" AS ")
                + m_dialect.identifier(dimensionAlias(d, plan.dimensions));
        groupBy << *expr;
    }
    QHash<QString, QString> measureSql;
    bool hasMeasures = false;
    for (const ResolvedMeasure &m : plan.measures) {
        QString expr;
        if (m.isDerived) {
            expr = substitute(m.expr, measureSql);
        } else {
            Result<QString> r
                = measureExpr(m, plan.includeEmpty && m.sourceName != plan.anchorSource);
            if (!r.ok())
                return r.error();
            expr = *r;
            hasMeasures = true;
        }
        measureSql.insert(m.name, expr);
        select << expr + QStringLiteral(" AS ") + m_dialect.identifier(m.name);
    }
    parts << (!hasMeasures && !plan.dimensions.isEmpty() ? QStringLiteral("SELECT DISTINCT\n  ")
                                                         : QStringLiteral("SELECT\n  "))
            + select.join(QStringLiteral(",\n  "));
    Result<QString> from = sourceRef(plan.anchorSource);
    if (!from.ok())
        return from.error();
    parts << QStringLiteral("FROM ") + *from;
    for (const JoinEdge &j : plan.joins) {
        Result<QString> ref = sourceRef(j.toSource);
        if (!ref.ok())
            return ref.error();
        parts << (plan.includeEmpty ? QStringLiteral("LEFT JOIN ") : QStringLiteral("JOIN ")) + *ref
                + QStringLiteral(" ON ") + joinCondition(j);
    }
    if (!plan.whereFilters.isEmpty()) {
        QStringList where;
        for (const QString &f : plan.whereFilters)
            where << renderPredicate(f);
        parts << QStringLiteral("WHERE ") + where.join(QStringLiteral(" AND "));
    }
    if (hasMeasures && !groupBy.isEmpty())
        parts << QStringLiteral("GROUP BY ") + groupBy.join(QStringLiteral(", "));
    if (!plan.havingFilters.isEmpty()) {
        // Measure names and source.measure references become their aggregates.
        QHash<QString, QString> byRef;
        for (const ResolvedMeasure &m : plan.measures) {
            if (!m.qualifiedRef.isEmpty())
                byRef.insert(m.qualifiedRef, measureSql.value(m.name));
            if (!m.isDerived)
                byRef.insert(m.sourceName + QLatin1Char('.') + m.name, measureSql.value(m.name));
        }
        QStringList having;
        for (const QString &f : plan.havingFilters) {
            const SqlExpression e(renderExpr(f), m_dialect.name());
            const QString rewritten
                = e.rewriteRefs([&](const SqlExpression::ColumnRef &r) -> std::optional<QString> {
                      const QString text
                          = r.qualifier.isEmpty() ? measureSql.value(r.name) : byRef.value(r.ref());
                      if (text.isEmpty())
                          return std::nullopt;
                      return SqlExpression(text, m_dialect.name()).isAtomic()
                          ? text
                          : QString(QLatin1Char('(') + text + QLatin1Char(')'));
                  });
            having << (SqlExpression(rewritten, m_dialect.name())
                                   .splitTopLevel(QStringLiteral("or"))
                                   .size()
                               > 1
                           ? QString(QLatin1Char('(') + rewritten + QLatin1Char(')'))
                           : rewritten);
        }
        parts << QStringLiteral("HAVING ") + having.join(QStringLiteral(" AND "));
    }
    Result<QString> order = orderByClause(plan, int(plan.dimensions.size()));
    if (!order.ok())
        return order.error();
    if (!order->isEmpty())
        parts << *order;
    parts << QStringLiteral("LIMIT %1").arg(plan.limit);
    return parts.join(QLatin1Char('\n'));
}

Result<QString> SemanticSqlGenerator::generateLocality(const SemanticPlan &plan) const
{
    QList<DimKey> dims;
    for (const QueryDimension &d : plan.dimensions) {
        Result<QString> expr = dimensionExpr(d);
        if (!expr.ok())
            return expr.error();
        dims << DimKey {*expr, m_dialect.identifier(dimensionAlias(d, plan.dimensions))};
    }
    const SafeAdjacency adjacency = safeAdjacency(plan);
    const auto reaches = [&](const QString &from, const QString &to) {
        return from == to || !safePath(from, to, adjacency).isEmpty();
    };
    const auto refsOf = [this](const QString &expr) {
        return SqlExpression(expr, m_dialect.name()).qualifiers();
    };

    // Which dimensions each group can reach without fanning out.
    QList<QList<int>> reachable;
    for (const MeasureGroup &g : plan.measureGroups) {
        QList<int> mine;
        for (int i = 0; i < plan.dimensions.size(); ++i) {
            const QSet<QString> sources = refsOf(plan.dimensions[i].field);
            if (std::all_of(sources.cbegin(), sources.cend(),
                            [&](const QString &s) { return reaches(g.sourceName, s); }))
                mine << i;
        }
        reachable << mine;
    }
    QStringList groupNames;
    for (const MeasureGroup &g : plan.measureGroups)
        groupNames << g.sourceName;
    for (int i = 0; i < plan.dimensions.size(); ++i) {
        const bool any = std::any_of(reachable.cbegin(), reachable.cend(),
                                     [i](const QList<int> &r) { return r.contains(i); });
        if (!any)
            return generateError(
                "sl_dimension_unreachable",
                QStringLiteral("Aggregate locality cannot safely reach '%1' from "
                               "any measure source (%2) without traversing "
                               "one_to_many edges")
                    .arg(sorted(refsOf(plan.dimensions[i].field)).join(QStringLiteral(", ")),
                         groupNames.join(QStringLiteral(", "))),
                QStringLiteral("Grouping these measures by that dimension would "
                               "count each row several times. Group by a "
                               "dimension of the measure's own source or of a "
                               "source it joins many_to_one."));
    }
    QSet<int> shared;
    for (int i = 0; i < plan.dimensions.size(); ++i)
        shared.insert(i);
    for (const QList<int> &r : reachable)
        shared &= QSet<int>(r.cbegin(), r.cend());
    if (plan.measureGroups.size() > 1) {
        for (int g = 0; g < plan.measureGroups.size(); ++g) {
            const QSet<int> mine(reachable[g].cbegin(), reachable[g].cend());
            const QSet<int> extra = mine - shared;
            if (extra.isEmpty())
                continue;
            for (int o = 0; o < plan.measureGroups.size(); ++o) {
                if (o == g)
                    continue;
                const QSet<int> missing
                    = extra - QSet<int>(reachable[o].cbegin(), reachable[o].cend());
                if (missing.isEmpty())
                    continue;
                const auto names = [&](const QSet<int> &set) {
                    QStringList out;
                    for (int i : set)
                        out << dimensionAlias(plan.dimensions[i], plan.dimensions);
                    std::sort(out.begin(), out.end());
                    return out.join(QStringLiteral(", "));
                };
                return generateError(
                    "sl_asymmetric_dimensions",
                    QStringLiteral("Asymmetric dimension grain in chasm trap: '%1' groups by [%2] "
                                   "but '%3' cannot reach [%4]. FULL JOIN on shared dimensions "
                                   "([%5]) would fan out '%3' measures across the extra "
                                   "dimensions, producing incorrect results. Remove the "
                                   "asymmetric dimensions or query each measure source "
                                   "separately.")
                        .arg(plan.measureGroups[g].sourceName, names(mine),
                             plan.measureGroups[o].sourceName, names(missing), names(shared)));
            }
        }
    }

    // One CTE per group, named <source>_agg unless that collides.
    QSet<QString> reserved;
    for (const SemanticSource &s : m_sources)
        reserved.insert(s.name);
    for (auto it = m_graph.aliasMap().cbegin(); it != m_graph.aliasMap().cend(); ++it)
        reserved.insert(it.key());
    QStringList cteNames;
    QStringList ctes;
    QHash<QString, QString> measureCte;
    for (int g = 0; g < plan.measureGroups.size(); ++g) {
        const MeasureGroup &group = plan.measureGroups[g];
        QString name = group.sourceName + QStringLiteral("_agg");
        for (int suffix = 1; reserved.contains(name); ++suffix)
            name = group.sourceName + QStringLiteral("_agg_") + QString::number(suffix);
        reserved.insert(name);
        cteNames << m_dialect.identifier(name);

        QStringList select;
        QStringList groupBy;
        for (int i : std::as_const(reachable[g])) {
            select << dims[i].expr + QStringLiteral(" AS ") + dims[i].alias;
            groupBy << dims[i].expr;
        }
        for (const ResolvedMeasure &m : group.measures) {
            Result<QString> expr = measureExpr(m, false);
            if (!expr.ok())
                return expr.error();
            select << *expr + QStringLiteral(" AS ") + m_dialect.identifier(m.name);
            measureCte.insert(m.name, cteNames.last());
        }
        // Sources this CTE joins: reachable dimension, filter and measure sources.
        QSet<QString> targets;
        for (int i : std::as_const(reachable[g]))
            targets += refsOf(plan.dimensions[i].field);
        QSet<QString> known = targets;
        known.insert(group.sourceName);
        for (const QString &f : plan.whereFilters) {
            const QSet<QString> fs = refsOf(f);
            if (!fs.isEmpty() && !(fs & known).isEmpty()) {
                for (const QString &s : fs) {
                    if (reaches(group.sourceName, s)) {
                        targets.insert(s);
                        known.insert(s);
                    }
                }
            }
        }
        for (const ResolvedMeasure &m : group.measures) {
            for (const QString &s : refsOf(m.filter) + refsOf(m.expr)) {
                if (reaches(group.sourceName, s))
                    targets.insert(s);
            }
        }
        targets.remove(group.sourceName);
        Result<QString> from = sourceRef(group.sourceName);
        if (!from.ok())
            return from.error();
        QStringList lines {QStringLiteral("  SELECT\n    ")
                               + select.join(QStringLiteral(",\n    ")),
                           QStringLiteral("  FROM ") + *from};
        QSet<QString> joined {group.sourceName};
        QSet<QString> seenEdges;
        for (const QString &target : sorted(targets)) {
            // Each group takes its own cheapest safe path through the whole
            // graph: the plan's tree is rooted at the anchor, and following it
            // from another group's source can detour through a table that
            // drops rows (support_tickets -> orders -> customers loses the
            // tickets without an order, while support_tickets -> customers is
            // direct). The tree's path is the fallback.
            QList<QPair<JoinEdge, QString>> steps;
            const std::optional<JoinPath> direct = m_graph.findPath(group.sourceName, target);
            if (direct && !direct->hasOneToMany) {
                for (const JoinEdge &edge : direct->edges)
                    steps.append({edge, edge.toSource});
            } else {
                steps = safePath(group.sourceName, target, adjacency);
            }
            for (const auto &[join, next] : steps) {
                const QString key = join.fromSource + QLatin1Char('>') + join.toSource;
                if (seenEdges.contains(key) || joined.contains(next))
                    continue;
                seenEdges.insert(key);
                Result<QString> ref = sourceRef(next);
                if (!ref.ok())
                    return ref.error();
                lines << QStringLiteral("  JOIN ") + *ref + QStringLiteral(" ON ")
                        + joinCondition(join);
                joined.insert(next);
            }
        }
        for (const ResolvedMeasure &m : group.measures) {
            for (const QString &s : refsOf(m.filter) + refsOf(m.expr)) {
                if (!joined.contains(s))
                    return generateError(
                        "sl_measure_unreachable",
                        QStringLiteral("Measure '%1' uses '%2', which cannot be reached from '%3' "
                                       "without traversing one_to_many edges, so it cannot be "
                                       "pre-aggregated safely.")
                            .arg(m.name, s, group.sourceName));
            }
        }
        QStringList where;
        for (const QString &f : plan.whereFilters) {
            const QSet<QString> fs = refsOf(f);
            if (fs.isEmpty() || (fs - joined).isEmpty())
                where << renderPredicate(f);
        }
        if (!where.isEmpty())
            lines << QStringLiteral("  WHERE ") + where.join(QStringLiteral(" AND "));
        if (!groupBy.isEmpty())
            lines << QStringLiteral("  GROUP BY ") + groupBy.join(QStringLiteral(", "));
        ctes << cteNames.last() + QStringLiteral(" AS (\n") + lines.join(QLatin1Char('\n'))
                + QStringLiteral("\n)");
    }

    const bool many = plan.measureGroups.size() > 1;
    const bool keyUnion = many && !dims.isEmpty()
        && (m_strategy == MergeStrategy::KeyUnion
            || (m_strategy == MergeStrategy::Auto && !m_dialect.hasFullJoin()));
    QString keysName = QStringLiteral("ktx_keys");
    for (int suffix = 1; reserved.contains(keysName); ++suffix)
        keysName = QStringLiteral("ktx_keys_") + QString::number(suffix);
    if (keyUnion) {
        QStringList unions;
        for (const QString &cte : std::as_const(cteNames)) {
            QStringList cols;
            for (const DimKey &d : std::as_const(dims))
                cols << cte + QLatin1Char('.') + d.alias;
            unions << QStringLiteral("  SELECT ") + cols.join(QStringLiteral(", "))
                    + QStringLiteral(" FROM ") + cte;
        }
        ctes << keysName + QStringLiteral(" AS (\n") + unions.join(QStringLiteral("\n  UNION\n"))
                + QStringLiteral("\n)");
    }

    QStringList select;
    for (int i = 0; i < dims.size(); ++i) {
        if (keyUnion) {
            select << keysName + QLatin1Char('.') + dims[i].alias + QStringLiteral(" AS ")
                    + dims[i].alias;
            continue;
        }
        QStringList have;
        for (int g = 0; g < cteNames.size(); ++g) {
            if (reachable[g].contains(i))
                have << cteNames[g] + QLatin1Char('.') + dims[i].alias;
        }
        select << (have.size() > 1
                       ? QStringLiteral("COALESCE(%1)").arg(have.join(QStringLiteral(", ")))
                       : have.first())
                + QStringLiteral(" AS ") + dims[i].alias;
    }
    // Measures come out of their CTE; derived measures are computed here, with
    // a missing group counting as 0 when several groups are merged.
    QHash<QString, QString> valueOf;
    for (int g = 0; g < plan.measureGroups.size(); ++g) {
        for (const ResolvedMeasure &m : plan.measureGroups[g].measures) {
            const QString ref = cteNames[g] + QLatin1Char('.') + m_dialect.identifier(m.name);
            valueOf.insert(m.name, ref);
        }
    }
    QHash<QString, QString> derivedSql;
    for (const ResolvedMeasure &m : plan.measures) {
        if (m.isDerived)
            continue;
        select << valueOf.value(m.name) + QStringLiteral(" AS ") + m_dialect.identifier(m.name);
    }
    QHash<QString, QString> substitution;
    for (auto it = valueOf.cbegin(); it != valueOf.cend(); ++it)
        substitution.insert(it.key(),
                            many ? QStringLiteral("COALESCE(%1, 0)").arg(it.value()) : it.value());
    for (const ResolvedMeasure &m : plan.measures) {
        if (!m.isDerived)
            continue;
        const QString expr = substitute(m.expr, substitution);
        substitution.insert(m.name, expr);
        derivedSql.insert(m.name, expr);
        select << expr + QStringLiteral(" AS ") + m_dialect.identifier(m.name);
    }

    QStringList parts {QStringLiteral("WITH ") + ctes.join(QStringLiteral(",\n")),
                       QStringLiteral("SELECT\n  ") + select.join(QStringLiteral(",\n  "))};
    if (keyUnion) {
        parts << QStringLiteral("FROM ") + keysName;
        for (const QString &cte : std::as_const(cteNames)) {
            QStringList on;
            for (const DimKey &d : std::as_const(dims))
                on << m_dialect.nullSafeEquals(keysName + QLatin1Char('.') + d.alias,
                                               cte + QLatin1Char('.') + d.alias);
            parts << (plan.includeEmpty ? QStringLiteral("LEFT JOIN ") : QStringLiteral("JOIN "))
                    + cte + QStringLiteral(" ON ") + on.join(QStringLiteral(" AND "));
        }
    } else {
        parts << QStringLiteral("FROM ") + cteNames.first();
        for (int g = 1; g < cteNames.size(); ++g) {
            QStringList on;
            for (int i : std::as_const(shared)) {
                QString lhs;
                if (g == 1) {
                    lhs = cteNames.first() + QLatin1Char('.') + dims[i].alias;
                } else {
                    QStringList earlier;
                    for (int e = 0; e < g; ++e)
                        earlier << cteNames[e] + QLatin1Char('.') + dims[i].alias;
                    lhs = QStringLiteral("COALESCE(%1)").arg(earlier.join(QStringLiteral(", ")));
                }
                on << lhs + QStringLiteral(" = ") + cteNames[g] + QLatin1Char('.') + dims[i].alias;
            }
            if (on.isEmpty())
                parts << QStringLiteral("CROSS JOIN ") + cteNames[g];
            else
                parts << (plan.includeEmpty ? QStringLiteral("FULL JOIN ")
                                            : QStringLiteral("JOIN "))
                        + cteNames[g] + QStringLiteral(" ON ") + on.join(QStringLiteral(" AND "));
        }
    }

    if (!plan.havingFilters.isEmpty()) {
        // HAVING becomes a WHERE over the merged groups: aggregates and measure
        // names are replaced by the CTE columns that hold them.
        QHash<QString, QString> byAggregate;
        QHash<QString, QString> byRef;
        for (const ResolvedMeasure &m : plan.measures) {
            const QString value = m.isDerived
                ? QString(QLatin1Char('(') + derivedSql.value(m.name) + QLatin1Char(')'))
                : substitution.value(m.name);
            if (!m.isDerived && m.filter.isEmpty())
                byAggregate.insert(normalized(m.expr), value);
            if (!m.qualifiedRef.isEmpty())
                byRef.insert(m.qualifiedRef.toLower(), value);
            if (!m.isDerived)
                byRef.insert((m.sourceName + QLatin1Char('.') + m.name).toLower(), value);
            byRef.insert(m.name.toLower(), value);
        }
        QStringList where;
        for (const QString &f : plan.havingFilters) {
            const SqlExpression e(f, m_dialect.name());
            const QString step1
                = e.rewriteAggregates([&](const SqlExpression::FunctionCall &,
                                          const QString &text) -> std::optional<QString> {
                      const auto it = byAggregate.constFind(normalized(text));
                      return it == byAggregate.cend() ? std::nullopt : std::optional<QString>(*it);
                  });
            const SqlExpression e2(step1, m_dialect.name());
            const QString step2
                = e2.rewriteRefs([&](const SqlExpression::ColumnRef &r) -> std::optional<QString> {
                      const auto it = byRef.constFind(r.ref().toLower());
                      return it == byRef.cend() ? std::nullopt : std::optional<QString>(*it);
                  });
            if (SqlExpression(step2, m_dialect.name()).isAggregate())
                return generateError("sl_having_not_a_measure",
                                     QStringLiteral("Filter '%1' aggregates something that is not "
                                                    "one of the query's measures; with separately "
                                                    "pre-aggregated measure groups it cannot be "
                                                    "evaluated.")
                                         .arg(f),
                                     QStringLiteral("Add the aggregate as a measure of the query "
                                                    "and filter on its name."));
            where << (SqlExpression(step2, m_dialect.name())
                                  .splitTopLevel(QStringLiteral("or"))
                                  .size()
                              > 1
                          ? QString(QLatin1Char('(') + step2 + QLatin1Char(')'))
                          : step2);
        }
        parts << QStringLiteral("WHERE ") + where.join(QStringLiteral(" AND "));
    }
    Result<QString> order = orderByClause(plan, int(dims.size()));
    if (!order.ok())
        return order.error();
    if (!order->isEmpty())
        parts << *order;
    parts << QStringLiteral("LIMIT %1").arg(plan.limit);
    return parts.join(QLatin1Char('\n'));
}

} // namespace ktx
