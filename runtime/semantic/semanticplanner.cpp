#include "semantic/semanticplanner.h"

#include "semantic/sqlexpression.h"

#include <QRegularExpression>

#include <algorithm>

namespace ktx {

namespace {

const QString kDerived = QStringLiteral("__derived__");

Error planError(const char *code, const QString &message, const QString &hint = {})
{
    return makeError(QString::fromLatin1(code), message, hint);
}

bool isIdentifier(const QString &text)
{
    static const QRegularExpression id(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    return id.match(text).hasMatch();
}

QStringList sorted(const QSet<QString> &set)
{
    QStringList out(set.cbegin(), set.cend());
    std::sort(out.begin(), out.end());
    return out;
}

QString leafOf(const QString &field)
{
    return field.contains(QLatin1Char('.')) ? field.section(QLatin1Char('.'), -1) : field;
}

} // namespace

struct SemanticPlanner::Parsed
{
    QSet<QString> sourceRefs;
    QSet<QString> columnRefs; // qualified "source.column"
    bool isAggregate = false;
    bool hasWindow = false;
    bool nestedAggregate = false;
    QSet<QString> dependsOn; // bare names that are known measures
};

SemanticPlanner::SemanticPlanner(const QList<SemanticSource> &sources, const JoinGraph &graph,
                                 const QString &dialect)
    : m_sourceList(sources)
    , m_graph(graph)
    , m_dialect(dialect)
{
    for (int i = 0; i < m_sourceList.size(); ++i)
        m_index.insert(m_sourceList[i].name, i);
}

SemanticPlanner::Parsed SemanticPlanner::parse(const QString &expr,
                                               const QSet<QString> &knownMeasures) const
{
    Parsed p;
    if (expr.trimmed().isEmpty())
        return p;
    const SqlExpression e(expr, m_dialect);
    for (const SqlExpression::ColumnRef &r : e.columnRefs()) {
        if (!r.qualifier.isEmpty()) {
            p.sourceRefs.insert(r.qualifier);
            p.columnRefs.insert(r.ref());
        } else if (knownMeasures.contains(r.name)) {
            p.dependsOn.insert(r.name);
        }
    }
    p.isAggregate = e.isAggregate();
    p.hasWindow = e.hasWindowFunction();
    p.nestedAggregate = e.hasNestedAggregate();
    return p;
}

const SemanticSource *SemanticPlanner::source(const QString &nameOrAlias) const
{
    const auto it = m_index.constFind(m_graph.actualSource(nameOrAlias));
    return it == m_index.cend() ? nullptr : &m_sourceList[*it];
}

// ---- visibility, dimensions ------------------------------------------------

Result<void> SemanticPlanner::validateVisibility(const SemanticQuery &query) const
{
    QStringList exprs;
    for (const QueryDimension &d : query.dimensions)
        exprs << d.field;
    for (const QueryMeasure &m : query.measures)
        exprs << m.text;
    exprs += query.filters;
    for (const QString &expr : std::as_const(exprs)) {
        for (const QString &ref : parse(expr).columnRefs) {
            const QString sourceName = ref.section(QLatin1Char('.'), 0, 0);
            const QString column = ref.section(QLatin1Char('.'), 1);
            const SemanticSource *s = source(sourceName);
            const SourceColumn *c = s ? s->column(column) : nullptr;
            if (c && c->visibility == SourceColumn::Visibility::Hidden)
                return planError("sl_hidden_column",
                                 QStringLiteral("Column '%1.%2' is hidden and cannot be queried")
                                     .arg(sourceName, column),
                                 QStringLiteral("Hidden columns are excluded from agent context; "
                                                "change its visibility in the source file to use "
                                                "it."));
        }
    }
    return {};
}

Result<QList<QueryDimension>>
SemanticPlanner::resolveDimensions(const QList<QueryDimension> &dims) const
{
    QList<QueryDimension> out;
    QSet<QString> seen;
    for (QueryDimension d : dims) {
        d.field = d.field.trimmed();
        d.granularity = d.granularity.trimmed().toLower();
        if (!d.field.contains(QLatin1Char('.')) && isIdentifier(d.field)) {
            QStringList matches;
            for (const SemanticSource &s : m_sourceList) {
                if (s.column(d.field))
                    matches << s.name;
            }
            if (matches.size() > 1) {
                std::sort(matches.begin(), matches.end());
                return planError(
                    "sl_ambiguous_column",
                    QStringLiteral("Column '%1' is ambiguous: it exists in multiple "
                                   "sources (%2). Use a qualified name like '%3.%1' "
                                   "to disambiguate.")
                        .arg(d.field, matches.join(QStringLiteral(", ")), matches.first()));
            }
            if (matches.size() == 1)
                d.field = matches.first() + QLatin1Char('.') + d.field;
        }
        const auto ref = SqlExpression(d.field, m_dialect).singleReference();
        if (!ref || ref->qualifier.isEmpty())
            return planError("sl_invalid_dimension",
                             QStringLiteral("Dimension '%1' must be a column reference like "
                                            "'source.column'.")
                                 .arg(d.field));
        const QString key = d.field + QLatin1Char('\x1f') + d.granularity;
        if (seen.contains(key))
            continue;
        seen.insert(key);
        out << d;
    }
    return out;
}

// ---- measures --------------------------------------------------------------

std::optional<QPair<QString, QString>>
SemanticPlanner::matchPredefinedRef(const QString &text) const
{
    const Parsed p = parse(text);
    if (p.isAggregate || p.columnRefs.size() != 1)
        return std::nullopt;
    const QString ref = *p.columnRefs.cbegin();
    const QString sourceName = ref.section(QLatin1Char('.'), 0, 0);
    const QString measureName = ref.section(QLatin1Char('.'), 1);
    const SemanticSource *s = source(sourceName);
    if (!s || !s->measure(measureName))
        return std::nullopt;
    return qMakePair(sourceName, measureName);
}

Result<std::optional<QPair<QString, QString>>>
SemanticPlanner::resolveUnqualifiedMeasure(const QString &bare) const
{
    QStringList matches;
    for (const SemanticSource &s : m_sourceList) {
        if (s.measure(bare))
            matches << s.name;
    }
    if (matches.isEmpty())
        return std::optional<QPair<QString, QString>>();
    if (matches.size() == 1)
        return std::optional<QPair<QString, QString>>(qMakePair(matches.first(), bare));
    const QString first = matches.first();
    std::sort(matches.begin(), matches.end());
    return planError("sl_ambiguous_measure",
                     QStringLiteral("Measure '%1' is ambiguous: it exists in multiple sources "
                                    "(%2). Use a qualified name like '%3.%1' to disambiguate.")
                         .arg(bare, matches.join(QStringLiteral(", ")), first));
}

QList<QPair<QString, QString>> SemanticPlanner::extractPredefinedRefs(const QString &expr) const
{
    QList<QPair<QString, QString>> out;
    const SqlExpression e(expr, m_dialect);
    QSet<QString> seen;
    for (const SqlExpression::ColumnRef &r : e.columnRefs()) {
        if (r.qualifier.isEmpty() || seen.contains(r.ref()))
            continue;
        seen.insert(r.ref());
        const SemanticSource *s = source(r.qualifier);
        if (s && s->measure(r.name) && !s->column(r.name))
            out << qMakePair(r.qualifier, r.name);
    }
    return out;
}

QString SemanticPlanner::qualifyPredefinedExpr(const QString &expr, const QString &sourceName) const
{
    const SemanticSource *own = source(sourceName);
    if (!own)
        return expr;
    // Bare columns belong to the measure's source, or else to a source reachable
    // through many_to_one / one_to_one joins (breadth first, nearest wins).
    QHash<QString, QString> owner;
    QSet<QString> visited;
    QStringList queue {own->name};
    while (!queue.isEmpty()) {
        const QString current = queue.takeFirst();
        if (visited.contains(current))
            continue;
        visited.insert(current);
        const auto it = m_index.constFind(current);
        if (it == m_index.cend())
            continue;
        const SemanticSource &s = m_sourceList[*it];
        for (const SourceColumn &c : s.columns) {
            if (!owner.contains(c.name))
                owner.insert(c.name, current == own->name ? sourceName : current);
        }
        for (const SourceJoin &j : s.joins) {
            if (j.relationship == QLatin1String("one_to_many") || visited.contains(j.to))
                continue;
            queue << j.to;
            const auto target = m_index.constFind(j.to);
            if (target == m_index.cend())
                continue;
            for (const SourceColumn &c : m_sourceList[*target].columns) {
                if (!owner.contains(c.name))
                    owner.insert(c.name, j.targetName());
            }
        }
    }
    for (const SourceColumn &c : own->columns)
        owner.insert(c.name, sourceName);
    const SqlExpression e(expr, m_dialect);
    return e.rewriteRefs([&](const SqlExpression::ColumnRef &r) {
        if (!r.qualifier.isEmpty() || !owner.contains(r.name))
            return std::optional<QString>();
        return std::optional<QString>(owner.value(r.name) + QLatin1Char('.')
                                      + e.textOf(r.firstToken, r.lastToken));
    });
}

Result<QString> SemanticPlanner::composeMeasureFilter(const SourceMeasure &measure,
                                                      const QString &sourceName) const
{
    QStringList parts;
    if (!measure.filter.trimmed().isEmpty())
        parts << qualifyPredefinedExpr(measure.filter, sourceName);
    const SemanticSource *s = source(sourceName);
    for (const QString &segmentName : measure.segments) {
        const SourceSegment *segment = s ? s->segment(segmentName) : nullptr;
        if (!segment) {
            QStringList available;
            if (s) {
                for (const SourceSegment &g : s->segments)
                    available << g.name;
            }
            std::sort(available.begin(), available.end());
            return planError("sl_unknown_segment",
                             QStringLiteral("Measure '%1' on source '%2' references unknown "
                                            "segment '%3'. Available segments: %4.")
                                 .arg(measure.name, m_graph.actualSource(sourceName), segmentName,
                                      available.isEmpty() ? QStringLiteral("(none)")
                                                          : available.join(QStringLiteral(", "))));
        }
        parts << qualifyPredefinedExpr(segment->expr, sourceName);
    }
    if (parts.isEmpty())
        return QString();
    if (parts.size() == 1)
        return parts.first();
    QStringList wrapped;
    for (const QString &p : std::as_const(parts))
        wrapped << QLatin1Char('(') + p + QLatin1Char(')');
    return wrapped.join(QStringLiteral(" AND "));
}

Result<ResolvedMeasure> SemanticPlanner::predefinedMeasure(const QString &sourceName,
                                                           const QString &measureName,
                                                           const QSet<QString> &colliding) const
{
    const SemanticSource *s = source(sourceName);
    const SourceMeasure *def = s ? s->measure(measureName) : nullptr;
    if (!def)
        return planError(
            "sl_not_a_measure",
            QStringLiteral("Measure '%1.%2' is not defined.").arg(sourceName, measureName));
    ResolvedMeasure m;
    m.name = colliding.contains(measureName) ? sourceName + QLatin1Char('_') + measureName
                                             : measureName;
    m.originalName = measureName;
    m.qualifiedRef = sourceName + QLatin1Char('.') + measureName;
    m.expr = qualifyPredefinedExpr(def->expr, sourceName);
    m.sourceName = sourceName;
    Result<QString> filter = composeMeasureFilter(*def, sourceName);
    if (!filter.ok())
        return filter.error();
    m.filter = *filter;
    m.provenance = QStringLiteral("verified");
    m.description = def->description;
    return m;
}

Result<ResolvedMeasure> SemanticPlanner::resolveMeasureString(const QString &text,
                                                              const QSet<QString> &colliding) const
{
    const Parsed p = parse(text);
    if (p.hasWindow)
        return planError("sl_window_function",
                         QStringLiteral("Window functions (OVER clause) are not supported in "
                                        "measures: '%1'. Window functions require row-level "
                                        "context and cannot be combined with GROUP BY "
                                        "aggregation.")
                             .arg(text));
    std::optional<QPair<QString, QString>> predefined = matchPredefinedRef(text);
    if (!predefined && !p.isAggregate && isIdentifier(text.trimmed())) {
        auto unqualified = resolveUnqualifiedMeasure(text.trimmed());
        if (!unqualified.ok())
            return unqualified.error();
        if (*unqualified)
            predefined = **unqualified;
    }
    if (predefined)
        return predefinedMeasure(predefined->first, predefined->second, colliding);
    if (!p.isAggregate) {
        if (!p.columnRefs.isEmpty()) {
            const QString sourceName = sorted(p.columnRefs).first().section(QLatin1Char('.'), 0, 0);
            return planError("sl_not_a_measure",
                             QStringLiteral("Measure '%1' is not a pre-defined measure on source "
                                            "'%2' and has no aggregate function. Use an aggregate "
                                            "like sum(%1), count(%1), avg(%1), etc.")
                                 .arg(text, sourceName));
        }
        return planError("sl_no_source_reference",
                         QStringLiteral("Measure '%1' does not reference any source").arg(text),
                         QStringLiteral("Qualify columns with their source, e.g. "
                                        "sum(orders.amount), or name a predefined measure like "
                                        "orders.revenue."));
    }
    if (p.sourceRefs.isEmpty())
        return planError("sl_no_source_reference",
                         QStringLiteral("Measure '%1' does not reference any source").arg(text),
                         QStringLiteral("Qualify columns with their source, e.g. "
                                        "sum(orders.amount)."));
    if (p.nestedAggregate)
        return planError("sl_nested_aggregate",
                         QStringLiteral("Nested aggregation is not supported: '%1'. Use a derived "
                                        "measure to combine aggregates (e.g., define sum_amount "
                                        "first, then avg it as a derived measure).")
                             .arg(text));
    ResolvedMeasure m;
    // Lower case, non-alphanumerics to "_", "m_" before a leading digit.
    QString name = text.trimmed().toLower();
    name.replace(QLatin1Char('.'), QLatin1Char('_'));
    name.replace(QRegularExpression(QStringLiteral("[^a-z0-9_]+")), QStringLiteral("_"));
    name.replace(QRegularExpression(QStringLiteral("_+")), QStringLiteral("_"));
    while (name.startsWith(QLatin1Char('_')))
        name.remove(0, 1);
    while (name.endsWith(QLatin1Char('_')))
        name.chop(1);
    if (name.isEmpty())
        name = QStringLiteral("measure");
    else if (name.front().isDigit())
        name.prepend(QStringLiteral("m_"));
    m.name = name;
    m.originalName = name;
    m.expr = text;
    m.sourceName = sorted(p.sourceRefs).first();
    m.provenance = QStringLiteral("composed");
    return m;
}

Result<ResolvedMeasure> SemanticPlanner::resolveMeasureObject(const QueryMeasure &q,
                                                              QSet<QString> &named,
                                                              const QSet<QString> &colliding) const
{
    const QString expr = q.text;
    const Parsed p = parse(expr, named);
    if (p.hasWindow)
        return planError("sl_window_function",
                         QStringLiteral("Window functions (OVER clause) are not supported in "
                                        "measures: '%1'. Window functions require row-level "
                                        "context and cannot be combined with GROUP BY "
                                        "aggregation.")
                             .arg(expr));
    QSet<QString> deps = p.dependsOn;
    QString rewritten = expr;
    const QList<QPair<QString, QString>> predefined = extractPredefinedRefs(expr);
    if (!predefined.isEmpty()) {
        QHash<QString, QString> replacement;
        for (const auto &[sourceName, measureName] : predefined) {
            const QString dep = colliding.contains(measureName)
                ? sourceName + QLatin1Char('_') + measureName
                : measureName;
            replacement.insert(sourceName + QLatin1Char('.') + measureName, dep);
            deps.insert(dep);
            named.insert(dep);
        }
        rewritten
            = SqlExpression(expr, m_dialect).rewriteRefs([&](const SqlExpression::ColumnRef &r) {
                  const auto it = replacement.constFind(r.ref());
                  return it == replacement.cend() ? std::optional<QString>()
                                                  : std::optional<QString>(*it);
              });
    }
    ResolvedMeasure m;
    m.name = q.name;
    m.originalName = q.name;
    m.provenance = QStringLiteral("composed");
    if (!deps.isEmpty()) {
        m.expr = rewritten;
        m.sourceName = kDerived;
        m.isDerived = true;
        m.dependsOn = sorted(deps);
        return m;
    }
    if (p.sourceRefs.isEmpty())
        return planError(
            "sl_no_source_reference",
            QStringLiteral("Measure expr '%1' does not reference any source").arg(expr),
            QStringLiteral("Qualify columns with their source (sum(orders.amount)) or "
                           "refer to other measures of the query by name."));
    if (p.nestedAggregate)
        return planError("sl_nested_aggregate",
                         QStringLiteral("Nested aggregation is not supported: '%1'. Use a derived "
                                        "measure to combine aggregates (e.g., define sum_amount "
                                        "first, then avg it as a derived measure).")
                             .arg(expr));
    if (!p.isAggregate)
        return planError("sl_not_a_measure",
                         QStringLiteral("Measure '%1' (%2) has no aggregate function. Use an "
                                        "aggregate like sum(...), count(...) or avg(...), or "
                                        "combine other measures by name.")
                             .arg(q.name, expr));
    m.expr = expr;
    m.sourceName = sorted(p.sourceRefs).first();
    return m;
}

Result<QList<ResolvedMeasure>>
SemanticPlanner::resolveMeasures(const QList<QueryMeasure> &raw) const
{
    QSet<QString> named;
    for (const QueryMeasure &m : raw) {
        if (m.isObject && !m.name.isEmpty())
            named.insert(m.name);
    }
    // Predefined measure names asked for more than once (orders.revenue and
    // refunds.revenue) become <source>_<measure> so both columns survive.
    QHash<QString, int> counts;
    for (const QueryMeasure &m : raw) {
        if (!m.isObject) {
            if (const auto ref = matchPredefinedRef(m.text)) {
                ++counts[ref->second];
            } else if (isIdentifier(m.text.trimmed())) {
                auto unq = resolveUnqualifiedMeasure(m.text.trimmed());
                if (unq.ok() && *unq)
                    ++counts[(*unq)->second];
            }
        } else {
            for (const auto &ref : extractPredefinedRefs(m.text))
                ++counts[ref.second];
        }
    }
    QSet<QString> colliding;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (it.value() > 1)
            colliding.insert(it.key());
    }

    QList<ResolvedMeasure> measures;
    for (const QueryMeasure &m : raw) {
        Result<ResolvedMeasure> r = m.isObject ? resolveMeasureObject(m, named, colliding)
                                               : resolveMeasureString(m.text, colliding);
        if (!r.ok())
            return r.error();
        measures << *r;
    }
    auto expanded = expandPredefinedChains(measures);
    if (!expanded.ok())
        return expanded.error();
    auto withDeps = addPredefinedDependencies(*expanded);
    if (!withDeps.ok())
        return withDeps.error();
    measures = *withDeps;

    // Two measures with one name from different sources: qualify them.
    QHash<QString, int> nameCounts;
    for (const ResolvedMeasure &m : std::as_const(measures))
        ++nameCounts[m.name];
    for (ResolvedMeasure &m : measures) {
        if (nameCounts.value(m.name) > 1 && m.sourceName != kDerived)
            m.name = m.sourceName + QLatin1Char('_') + m.name;
    }
    return measures;
}

Result<QList<ResolvedMeasure>>
SemanticPlanner::expandPredefinedChains(const QList<ResolvedMeasure> &in) const
{
    QSet<QString> existing;
    for (const ResolvedMeasure &m : in)
        existing.insert(m.name);
    QList<ResolvedMeasure> extra;
    QList<ResolvedMeasure> updated;
    QSet<QString> expanded;

    std::function<Result<void>(const QString &, const SemanticSource &, const QString &, int)>
        ensure;
    ensure = [&](const QString &dep, const SemanticSource &s, const QString &sourceName,
                 int depth) -> Result<void> {
        if (existing.contains(dep) || expanded.contains(dep))
            return {};
        if (depth > 32)
            return planError("sl_measure_cycle",
                             QStringLiteral("Circular dependency detected: %1").arg(dep));
        const SourceMeasure *def = s.measure(dep);
        if (!def)
            return {};
        QSet<QString> others;
        for (const SourceMeasure &o : s.measures) {
            if (o.name != dep)
                others.insert(o.name);
        }
        const Parsed p = parse(def->expr, others);
        // Marked before recursing so a cycle stops here and is reported by the
        // dependency sort.
        existing.insert(dep);
        expanded.insert(dep);
        if (!p.dependsOn.isEmpty()) {
            for (const QString &sub : sorted(p.dependsOn)) {
                Result<void> r = ensure(sub, s, sourceName, depth + 1);
                if (!r.ok())
                    return r;
            }
            ResolvedMeasure m;
            m.name = dep;
            m.originalName = dep;
            m.expr = def->expr;
            m.sourceName = kDerived;
            m.provenance = QStringLiteral("verified");
            m.isDerived = true;
            m.dependsOn = sorted(p.dependsOn);
            m.description = def->description;
            extra << m;
        } else {
            Result<ResolvedMeasure> leaf = predefinedMeasure(sourceName, dep, {});
            if (!leaf.ok())
                return leaf.error();
            extra << *leaf;
        }
        return {};
    };

    for (const ResolvedMeasure &m : in) {
        if (m.provenance != QLatin1String("verified") || m.isDerived) {
            updated << m;
            continue;
        }
        const SemanticSource *s = source(m.sourceName);
        const SourceMeasure *def = s ? s->measure(m.originalName) : nullptr;
        if (!def) {
            updated << m;
            continue;
        }
        QSet<QString> others;
        for (const SourceMeasure &o : s->measures) {
            if (o.name != def->name)
                others.insert(o.name);
        }
        const Parsed p = parse(def->expr, others);
        if (p.dependsOn.isEmpty()) {
            updated << m;
            continue;
        }
        for (const QString &dep : sorted(p.dependsOn)) {
            Result<void> r = ensure(dep, *s, m.sourceName, 0);
            if (!r.ok())
                return r.error();
        }
        ResolvedMeasure derived = m;
        derived.expr = def->expr;
        derived.sourceName = kDerived;
        derived.isDerived = true;
        derived.dependsOn = sorted(p.dependsOn);
        derived.filter.clear();
        updated << derived;
    }
    return extra + updated;
}

Result<QList<ResolvedMeasure>>
SemanticPlanner::addPredefinedDependencies(const QList<ResolvedMeasure> &in) const
{
    QSet<QString> existing;
    for (const ResolvedMeasure &m : in)
        existing.insert(m.name);
    QList<ResolvedMeasure> extra;
    for (const ResolvedMeasure &m : in) {
        if (!m.isDerived)
            continue;
        for (const QString &dep : m.dependsOn) {
            if (existing.contains(dep))
                continue;
            // "<source>_<measure>" for a renamed duplicate.
            bool found = false;
            for (const SemanticSource &s : m_sourceList) {
                const QString prefix = s.name + QLatin1Char('_');
                if (dep.startsWith(prefix) && s.measure(dep.mid(prefix.size()))) {
                    Result<ResolvedMeasure> r
                        = predefinedMeasure(s.name, dep.mid(prefix.size()), {});
                    if (!r.ok())
                        return r.error();
                    ResolvedMeasure copy = *r;
                    copy.name = dep;
                    extra << copy;
                    found = true;
                    break;
                }
            }
            // Aliases ("billing_customer_revenue") resolve through the alias map.
            if (!found) {
                for (auto it = m_graph.aliasMap().cbegin(); it != m_graph.aliasMap().cend(); ++it) {
                    const QString prefix = it.key() + QLatin1Char('_');
                    const SemanticSource *s = source(it.key());
                    if (dep.startsWith(prefix) && s && s->measure(dep.mid(prefix.size()))) {
                        Result<ResolvedMeasure> r
                            = predefinedMeasure(it.key(), dep.mid(prefix.size()), {});
                        if (!r.ok())
                            return r.error();
                        ResolvedMeasure copy = *r;
                        copy.name = dep;
                        extra << copy;
                        found = true;
                        break;
                    }
                }
            }
            if (!found) {
                for (const SemanticSource &s : m_sourceList) {
                    if (s.measure(dep)) {
                        Result<ResolvedMeasure> r = predefinedMeasure(s.name, dep, {});
                        if (!r.ok())
                            return r.error();
                        extra << *r;
                        found = true;
                        break;
                    }
                }
            }
            if (found)
                existing.insert(dep);
        }
    }
    return extra + in;
}

Result<QList<ResolvedMeasure>>
SemanticPlanner::sortByDependency(const QList<ResolvedMeasure> &in) const
{
    QHash<QString, int> byName;
    for (int i = 0; i < in.size(); ++i)
        byName.insert(in[i].name, i);
    QSet<QString> visited;
    QSet<QString> onStack;
    QList<ResolvedMeasure> out;
    std::function<Result<void>(const ResolvedMeasure &)> visit;
    visit = [&](const ResolvedMeasure &m) -> Result<void> {
        if (onStack.contains(m.name))
            return planError(
                "sl_measure_cycle", QStringLiteral("Circular dependency detected: %1").arg(m.name),
                QStringLiteral("A derived measure cannot depend on itself, directly or "
                               "through other measures."));
        if (visited.contains(m.name))
            return {};
        onStack.insert(m.name);
        for (const QString &dep : m.dependsOn) {
            const auto it = byName.constFind(dep);
            if (it == byName.cend())
                continue;
            Result<void> r = visit(in[*it]);
            if (!r.ok())
                return r;
        }
        onStack.remove(m.name);
        visited.insert(m.name);
        out << m;
        return {};
    };
    for (const ResolvedMeasure &m : in) {
        Result<void> r = visit(m);
        if (!r.ok())
            return r.error();
    }
    // A derived measure whose dependency is neither in the query nor a
    // predefined measure cannot be computed.
    for (const ResolvedMeasure &m : std::as_const(out)) {
        for (const QString &dep : m.dependsOn) {
            if (!byName.contains(dep))
                return planError("sl_unknown_measure",
                                 QStringLiteral("Measure '%1' depends on '%2', which is neither a "
                                                "measure of this query nor a predefined measure.")
                                     .arg(m.name, dep));
        }
    }
    return out;
}

Result<QList<ResolvedMeasure>>
SemanticPlanner::applyQuerySegments(const QList<ResolvedMeasure> &in,
                                    const QStringList &segments) const
{
    if (segments.isEmpty())
        return in;
    QMap<QString, QStringList> bySource;
    QStringList order;
    for (const QString &raw : segments) {
        if (!raw.contains(QLatin1Char('.')))
            return planError("sl_segment_not_dotted",
                             QStringLiteral("Query-time segment '%1' must be a dotted "
                                            "'source.segment_name' reference.")
                                 .arg(raw));
        const QString sourceName = raw.section(QLatin1Char('.'), 0, 0);
        const QString segmentName = raw.section(QLatin1Char('.'), 1);
        const SemanticSource *s = source(sourceName);
        if (!s)
            return planError("sl_unknown_source",
                             QStringLiteral("Query-time segment '%1' references unknown source "
                                            "'%2'.")
                                 .arg(raw, sourceName));
        const SourceSegment *segment = s->segment(segmentName);
        if (!segment) {
            QStringList available;
            for (const SourceSegment &g : s->segments)
                available << g.name;
            std::sort(available.begin(), available.end());
            return planError("sl_unknown_segment",
                             QStringLiteral("Query-time segment '%1' references unknown segment "
                                            "'%2' on source '%3'. Available: %4.")
                                 .arg(raw, segmentName, sourceName,
                                      available.isEmpty() ? QStringLiteral("(none)")
                                                          : available.join(QStringLiteral(", "))));
        }
        if (!bySource.contains(sourceName))
            order << sourceName;
        bySource[sourceName] << qualifyPredefinedExpr(segment->expr, sourceName);
    }
    QList<ResolvedMeasure> out;
    QSet<QString> matched;
    for (ResolvedMeasure m : in) {
        if (!m.isDerived && bySource.contains(m.sourceName)) {
            matched.insert(m.sourceName);
            QStringList parts;
            if (!m.filter.isEmpty())
                parts << m.filter;
            parts += bySource.value(m.sourceName);
            if (parts.size() == 1) {
                m.filter = parts.first();
            } else {
                QStringList wrapped;
                for (const QString &p : std::as_const(parts))
                    wrapped << QLatin1Char('(') + p + QLatin1Char(')');
                m.filter = wrapped.join(QStringLiteral(" AND "));
            }
        }
        out << m;
    }
    for (const QString &sourceName : std::as_const(order)) {
        if (!matched.contains(sourceName))
            return planError("sl_segment_without_measure",
                             QStringLiteral("Query-time segment(s) on source '%1' have no matching "
                                            "measure in the query. A query-time segment only "
                                            "applies to measures whose base source matches the "
                                            "segment's source.")
                                 .arg(sourceName));
    }
    return out;
}

Result<void> SemanticPlanner::validateColumnRefs(const QList<ResolvedMeasure> &measures,
                                                 const QList<QueryDimension> &dims,
                                                 const QStringList &filters) const
{
    const auto check = [this](const QString &expr, bool allowMeasures) -> Result<void> {
        for (const QString &ref : sorted(parse(expr).columnRefs)) {
            const QString sourceName = ref.section(QLatin1Char('.'), 0, 0);
            const QString column = ref.section(QLatin1Char('.'), 1);
            const SemanticSource *s = source(sourceName);
            if (!s)
                continue; // an unknown source fails as "no join path" with a hint
            if (s->column(column) || (allowMeasures && s->measure(column)))
                continue;
            QStringList available;
            for (const SourceColumn &c : s->columns)
                available << c.name;
            for (const SourceMeasure &m : s->measures) {
                if (!available.contains(m.name))
                    available << m.name;
            }
            std::sort(available.begin(), available.end());
            return planError("sl_unknown_column",
                             QStringLiteral("Column '%1' does not exist in source '%2'. "
                                            "Available: %3")
                                 .arg(column, sourceName, available.join(QStringLiteral(", "))));
        }
        return {};
    };
    for (const QueryDimension &d : dims) {
        Result<void> r = check(d.field, false);
        if (!r.ok())
            return r;
    }
    for (const ResolvedMeasure &m : measures) {
        if (m.isDerived)
            continue;
        Result<void> r = check(m.expr, true);
        if (!r.ok())
            return r;
    }
    for (const QString &f : filters) {
        if (f.trimmed().isEmpty())
            continue;
        Result<void> r = check(f, true);
        if (!r.ok())
            return r;
    }
    return {};
}

// ---- fan-out and chasm traps -----------------------------------------------

bool SemanticPlanner::isGrainSafe(const std::optional<JoinPath> &path) const
{
    if (!path || path->edges.isEmpty())
        return false;
    for (const JoinEdge &e : path->edges) {
        if (e.relationship == QLatin1String("one_to_one"))
            continue;
        if (e.relationship != QLatin1String("many_to_one"))
            return false;
        // many_to_one keeps rows one-to-one only when it leaves from exactly the
        // source's grain (churn_risk.customer_id -> customers.id with grain
        // [customer_id]); from any other column the "one" side repeats.
        const SemanticSource *s = source(e.fromSource);
        if (!s || s->grain.isEmpty())
            return false;
        const QSet<QString> from(e.fromColumns.cbegin(), e.fromColumns.cend());
        const QSet<QString> grain(s->grain.cbegin(), s->grain.cend());
        if (from != grain)
            return false;
    }
    return true;
}

QList<MeasureGroup> SemanticPlanner::mergeSafeGroups(const QList<MeasureGroup> &groups) const
{
    // Aliases of one table are kept together, as the original does.
    QList<MeasureGroup> merged;
    QHash<QString, int> byActual;
    for (const MeasureGroup &g : groups) {
        const QString actual = m_graph.actualSource(g.sourceName);
        const auto it = byActual.constFind(actual);
        if (it == byActual.cend()) {
            byActual.insert(actual, int(merged.size()));
            merged << g;
        } else {
            merged[*it].measures += g.measures;
        }
    }
    QList<MeasureGroup> final;
    QHash<QString, QString> assigned;
    for (int i = 0; i < merged.size(); ++i) {
        const QString name = merged[i].sourceName;
        if (assigned.contains(name))
            continue;
        int self = int(final.size());
        final << merged[i];
        assigned.insert(name, name);
        for (int j = 0; j < merged.size(); ++j) {
            const QString other = merged[j].sourceName;
            if (other == name || assigned.contains(other))
                continue;
            if (isGrainSafe(m_graph.findPath(name, other))) {
                final[self].measures += merged[j].measures;
                assigned.insert(other, name);
            } else if (isGrainSafe(m_graph.findPath(other, name))) {
                // `name` sits row-for-row on `other`: `other` becomes the group.
                MeasureGroup g = final.takeAt(self);
                MeasureGroup target {other, g.measures + merged[j].measures};
                for (auto it = assigned.begin(); it != assigned.end(); ++it) {
                    if (it.value() == name)
                        it.value() = other;
                }
                assigned.insert(other, other);
                final << target;
                break;
            }
        }
    }
    return final;
}

Result<SemanticPlanner::FanOut>
SemanticPlanner::detectFanOut(const QList<ResolvedMeasure> &measures,
                              const QList<QueryDimension> &dims, const QStringList &filters) const
{
    FanOut out;
    QList<MeasureGroup> groups;
    QHash<QString, int> groupIndex;
    for (const ResolvedMeasure &m : measures) {
        if (m.isDerived)
            continue;
        const auto it = groupIndex.constFind(m.sourceName);
        if (it == groupIndex.cend()) {
            groupIndex.insert(m.sourceName, int(groups.size()));
            groups << MeasureGroup {m.sourceName, {m}};
        } else {
            groups[*it].measures << m;
        }
    }
    if (groups.size() > 1) {
        for (const ResolvedMeasure &m : measures) {
            if (m.isDerived)
                continue;
            for (const QString &ref : sorted(parse(m.expr).sourceRefs)) {
                if (ref == m.sourceName
                    || m_graph.actualSource(ref) == m_graph.actualSource(m.sourceName))
                    continue;
                if (groupIndex.contains(ref))
                    return planError(
                        "sl_multi_source_measure",
                        QStringLiteral("Measure '%1' references multiple independent sources (%2, "
                                       "%3) that are in separate measure groups. In aggregate "
                                       "locality mode, each CTE can only access its own source's "
                                       "tables. Decompose the expression into separate named "
                                       "measures and combine as a derived measure: e.g., "
                                       "{\"expr\": \"part1\", \"name\": \"a\"}, {\"expr\": "
                                       "\"part2\", \"name\": \"b\"}, {\"expr\": \"a / b\", "
                                       "\"name\": \"%1\"}")
                            .arg(m.name, m.sourceName, ref));
            }
        }
    }
    QSet<QString> dimSources;
    for (const QueryDimension &d : dims)
        dimSources += parse(d.field).sourceRefs;
    QSet<QString> filterSources;
    for (const QString &f : filters)
        filterSources += parse(f).sourceRefs;

    const auto fanOutTo = [this](const QString &from, const QSet<QString> &targets) {
        for (const QString &t : sorted(targets)) {
            if (t == from)
                continue;
            const std::optional<JoinPath> path = m_graph.findPath(from, t);
            if (path && path->hasOneToMany)
                return true;
        }
        return false;
    };

    if (groups.size() <= 1) {
        if (groups.isEmpty())
            return FanOut {false, {}, QStringLiteral("No fanout"), {}};
        const QString src = groups.first().sourceName;
        // Unlike the original we do not skip aliases of the measure's own table
        // here: billing_customer and shipping_customer are different rows, and a
        // path between them through orders fans out.
        const bool fan = fanOutTo(src, dimSources);
        if (!fan) {
            for (const QString &f : sorted(filterSources - dimSources - QSet<QString> {src})) {
                const std::optional<JoinPath> path = m_graph.findPath(src, f);
                if (path && path->hasOneToMany)
                    return planError("sl_fan_out_filter",
                                     QStringLiteral("Filter on '%1' requires a one_to_many join "
                                                    "from measure source '%2', which would cause "
                                                    "incorrect aggregation (fanout). Consider "
                                                    "rewriting the filter as a subquery or adding "
                                                    "the filter source as a dimension source.")
                                         .arg(f, src));
            }
            return FanOut {false, {}, QStringLiteral("No fanout"), {}};
        }
        return FanOut {
            true,
            groups,
            QStringLiteral("Fanout detected: one_to_many edges from %1 to dimensions").arg(src),
            {QStringLiteral("Pre-aggregate %1 measures before joining").arg(src)}};
    }

    const QList<MeasureGroup> merged = mergeSafeGroups(groups);
    if (merged.size() <= 1) {
        const QString src = merged.first().sourceName;
        if (fanOutTo(src, dimSources))
            return FanOut {
                true,
                merged,
                QStringLiteral("Fanout detected: one_to_many edges from %1 to dimensions").arg(src),
                {QStringLiteral("Pre-aggregate %1 measures before joining").arg(src)}};
        return FanOut {false, {}, QStringLiteral("No fanout"), {}};
    }

    // A chasm trap: every filter must be reachable from some measure source
    // without fanning out, or it would silently apply to nothing.
    QStringList groupNames;
    for (const MeasureGroup &g : merged)
        groupNames << g.sourceName;
    for (const QString &f : sorted(filterSources - dimSources)) {
        bool reachable = false;
        for (const QString &g : std::as_const(groupNames)) {
            if (f == g || m_graph.actualSource(f) == m_graph.actualSource(g)) {
                reachable = true;
                break;
            }
            const std::optional<JoinPath> path = m_graph.findPath(g, f);
            if (path && !path->hasOneToMany) {
                reachable = true;
                break;
            }
        }
        if (!reachable)
            return planError("sl_filter_unreachable",
                             QStringLiteral("Filter on '%1' is not reachable via "
                                            "many_to_one/one_to_one edges from any measure source "
                                            "(%2). The filter would be silently dropped in "
                                            "aggregate locality mode. Consider moving the filter "
                                            "condition into a SQL source or removing it.")
                                 .arg(f, groupNames.join(QStringLiteral(", "))));
    }
    out.hasFanOut = true;
    out.groups = merged;
    for (const MeasureGroup &g : merged) {
        QStringList names;
        for (const ResolvedMeasure &m : g.measures)
            names << m.name;
        out.locality << QStringLiteral("Pre-aggregate %1 (%2) by dimension keys")
                            .arg(g.sourceName, names.join(QStringLiteral(", ")));
    }
    out.description = QStringLiteral("Chasm trap: %1 independent measure sources (%2)")
                          .arg(merged.size())
                          .arg(groupNames.join(QStringLiteral(", ")));
    return out;
}

// ---- filters ----------------------------------------------------------------

QString SemanticPlanner::classifyClause(const QString &clause, const QSet<QString> &measureNames,
                                        const QSet<QString> &predefinedRefs) const
{
    const Parsed p = parse(clause, measureNames);
    if (p.isAggregate || !p.dependsOn.isEmpty())
        return QStringLiteral("having");
    for (const QString &ref : p.columnRefs) {
        if (!predefinedRefs.contains(ref))
            continue;
        // orders.revenue is a measure unless revenue is also a column.
        const SemanticSource *s = source(ref.section(QLatin1Char('.'), 0, 0));
        if (!s || !s->column(ref.section(QLatin1Char('.'), 1)))
            return QStringLiteral("having");
    }
    return QStringLiteral("where");
}

Result<QPair<QStringList, QStringList>>
SemanticPlanner::classifyFilters(const QStringList &filters,
                                 const QList<ResolvedMeasure> &measures) const
{
    QSet<QString> measureNames;
    for (const ResolvedMeasure &m : measures)
        measureNames.insert(m.name);
    QSet<QString> predefined;
    for (const SemanticSource &s : m_sourceList) {
        for (const SourceMeasure &m : s.measures)
            predefined.insert(s.name + QLatin1Char('.') + m.name);
    }
    for (auto it = m_graph.aliasMap().cbegin(); it != m_graph.aliasMap().cend(); ++it) {
        if (const SemanticSource *s = source(it.value())) {
            for (const SourceMeasure &m : s->measures)
                predefined.insert(it.key() + QLatin1Char('.') + m.name);
        }
    }
    QStringList where;
    QStringList having;
    for (const QString &f : filters) {
        if (f.trimmed().isEmpty())
            continue;
        for (const QString &clause :
             SqlExpression(f, m_dialect).splitTopLevel(QStringLiteral("and"))) {
            if (classifyClause(clause, measureNames, predefined) == QLatin1String("having")) {
                const QStringList alternatives
                    = SqlExpression(clause, m_dialect).splitTopLevel(QStringLiteral("or"));
                if (alternatives.size() > 1) {
                    QSet<QString> kinds;
                    for (const QString &a : alternatives)
                        kinds.insert(classifyClause(a, measureNames, predefined));
                    if (kinds.size() > 1)
                        return planError("sl_mixed_or_filter",
                                         QStringLiteral("Filter '%1' mixes aggregate and "
                                                        "non-aggregate conditions with OR, which "
                                                        "cannot be split into WHERE and HAVING. "
                                                        "Rewrite as separate filters or use a "
                                                        "subquery.")
                                             .arg(clause));
                }
                having << clause;
            } else {
                where << clause;
            }
        }
    }
    return qMakePair(where, having);
}

// ---- plan -------------------------------------------------------------------

Result<SemanticPlan> SemanticPlanner::plan(const SemanticQuery &query) const
{
    if (query.limit < 0)
        return planError("sl_invalid_query",
                         QStringLiteral("limit must be non-negative, got %1").arg(query.limit));
    if (Result<void> r = validateVisibility(query); !r.ok())
        return r.error();
    Result<QList<QueryDimension>> dims = resolveDimensions(query.dimensions);
    if (!dims.ok())
        return dims.error();
    Result<QList<ResolvedMeasure>> raw = resolveMeasures(query.measures);
    if (!raw.ok())
        return raw.error();

    if (query.predefinedMeasuresOnly) {
        QStringList composed;
        for (const ResolvedMeasure &m : *raw) {
            if (m.provenance == QLatin1String("composed"))
                composed << QLatin1Char('\'') + m.expr + QLatin1Char('\'');
        }
        if (!composed.isEmpty())
            return planError("sl_composed_measure_rejected",
                             QStringLiteral("Only predefined semantic-layer measures can be "
                                            "queried on this connection (query_policy: "
                                            "semantic-layer-only); composed measure expressions "
                                            "are not allowed: %1. Use measures declared on the "
                                            "semantic-layer sources, referenced as "
                                            "'source.measure'.")
                                 .arg(composed.join(QStringLiteral(", "))));
        QStringList aggregates;
        for (const QString &f : query.filters) {
            if (f.trimmed().isEmpty())
                continue;
            for (const QString &clause :
                 SqlExpression(f, m_dialect).splitTopLevel(QStringLiteral("and"))) {
                if (parse(clause).isAggregate)
                    aggregates << QLatin1Char('\'') + clause + QLatin1Char('\'');
            }
        }
        if (!aggregates.isEmpty())
            return planError("sl_composed_measure_rejected",
                             QStringLiteral("Only predefined semantic-layer measures can be "
                                            "queried on this connection (query_policy: "
                                            "semantic-layer-only); filters may not compose "
                                            "aggregate expressions: %1. Filter on declared "
                                            "dimensions or columns, or compare a predefined "
                                            "measure by name (e.g. 'orders.revenue > 100').")
                                 .arg(aggregates.join(QStringLiteral(", "))));
    }

    Result<QList<ResolvedMeasure>> ordered = sortByDependency(*raw);
    if (!ordered.ok())
        return ordered.error();
    Result<QList<ResolvedMeasure>> measures = applyQuerySegments(*ordered, query.segments);
    if (!measures.ok())
        return measures.error();
    if (Result<void> r = validateColumnRefs(*measures, *dims, query.filters); !r.ok())
        return r.error();

    QSet<QString> refs;
    for (const ResolvedMeasure &m : *measures) {
        if (m.isDerived)
            continue;
        refs.insert(m.sourceName);
        refs += parse(m.expr).sourceRefs;
        refs += parse(m.filter).sourceRefs;
    }
    for (const QueryDimension &d : *dims)
        refs += parse(d.field).sourceRefs;
    for (const QString &f : query.filters)
        refs += parse(f).sourceRefs;
    if (refs.isEmpty())
        return planError("sl_no_source_reference",
                         QStringLiteral("Query does not reference any sources"),
                         QStringLiteral("Ask for at least one measure or dimension, e.g. "
                                        "--measure orders.revenue."));

    SemanticPlan plan;
    // The anchor: with include_empty the dimension side (so empty groups show),
    // else the first measure's source.
    QString anchor;
    if (query.includeEmpty) {
        for (const QueryDimension &d : *dims) {
            const QSet<QString> s = parse(d.field).sourceRefs;
            if (!s.isEmpty()) {
                anchor = sorted(s).first();
                break;
            }
        }
    }
    if (anchor.isEmpty()) {
        for (const ResolvedMeasure &m : *measures) {
            if (!m.isDerived && source(m.sourceName) && m_graph.contains(m.sourceName)) {
                anchor = m.sourceName;
                break;
            }
        }
    }
    if (anchor.isEmpty()) {
        for (const QueryDimension &d : *dims) {
            const QSet<QString> s = parse(d.field).sourceRefs;
            if (!s.isEmpty()) {
                anchor = sorted(s).first();
                break;
            }
        }
    }
    if (anchor.isEmpty())
        anchor = sorted(refs).first();

    Result<JoinTree> tree = m_graph.resolveTree(refs, anchor);
    if (!tree.ok()) {
        Error e = tree.error();
        QStringList unknown;
        for (const QString &r : sorted(refs)) {
            if (!m_graph.contains(r))
                unknown << r;
        }
        if (!unknown.isEmpty())
            e.hint = QStringLiteral("No source named %1 is defined for this connection; `ktx sl` "
                                    "lists the sources.")
                         .arg(unknown.join(QStringLiteral(", ")));
        return e;
    }
    for (const QString &r : sorted(refs)) {
        if (!m_graph.contains(r))
            return planError("sl_unknown_source",
                             QStringLiteral("Source '%1' is not defined.").arg(r),
                             QStringLiteral("`ktx sl` lists the sources of this connection."));
    }

    Result<FanOut> fan = detectFanOut(*measures, *dims, query.filters);
    if (!fan.ok())
        return fan.error();
    Result<QPair<QStringList, QStringList>> filters = classifyFilters(query.filters, *measures);
    if (!filters.ok())
        return filters.error();

    plan.sourcesUsed = sorted(tree->sources.isEmpty() ? refs : tree->sources);
    plan.joins = tree->edges;
    plan.anchorSource = anchor;
    for (const QueryDimension &d : *dims)
        plan.anchorGrain << d.field;
    plan.hasFanOut = fan->hasFanOut;
    plan.measureGroups = fan->groups;
    plan.fanOutDescription = fan->description;
    plan.aggregateLocality = fan->locality;
    plan.whereFilters = filters->first;
    plan.havingFilters = filters->second;
    plan.measures = *measures;
    plan.dimensions = *dims;
    plan.limit = query.limit;
    plan.includeEmpty = query.includeEmpty;
    plan.warnings = tree->warnings;

    QHash<QString, int> leafCounts;
    for (const QueryDimension &d : *dims)
        ++leafCounts[leafOf(d.field)];
    for (const QueryDimension &d : *dims) {
        const QString leaf = leafOf(d.field);
        QString name = leafCounts.value(leaf) > 1
            ? QString(d.field).replace(QLatin1Char('.'), QLatin1Char('_'))
            : leaf;
        plan.columns << ResolvedColumn {
            name, QStringLiteral("dimension"), d.field, {}, d.granularity};
    }
    for (const ResolvedMeasure &m : *measures)
        plan.columns << ResolvedColumn {m.name, m.provenance, m.expr, m.description, {}};
    plan.orderBy = query.orderBy;
    return plan;
}

} // namespace ktx
