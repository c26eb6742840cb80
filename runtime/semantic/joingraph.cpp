#include "semantic/joingraph.h"

#include "semantic/sqlexpression.h"

#include <queue>

namespace ktx {

namespace {

QString inverse(const QString &relationship)
{
    if (relationship == QLatin1String("many_to_one"))
        return QStringLiteral("one_to_many");
    if (relationship == QLatin1String("one_to_many"))
        return QStringLiteral("many_to_one");
    return relationship;
}

} // namespace

QString JoinEdge::description() const
{
    QStringList conditions;
    for (int i = 0; i < fromColumns.size() && i < toColumns.size(); ++i)
        conditions << QStringLiteral("%1.%2 = %3.%4")
                          .arg(fromSource, fromColumns[i], toSource, toColumns[i]);
    return conditions.join(QStringLiteral(" AND ")) + QStringLiteral(" (") + relationship
        + QLatin1Char(')');
}

Result<JoinGraph::JoinKeys> JoinGraph::parseOn(const QString &on, const QString &owner,
                                               const QString &target, const QString &alias)
{
    JoinKeys keys;
    const QStringList parts = SqlExpression(on).splitTopLevel(QStringLiteral("and"));
    for (const QString &part : parts) {
        const SqlExpression condition(part);
        // Exactly "<ref> = <ref>" at the top level.
        int eq = -1;
        int depth = 0;
        const auto &tokens = condition.tokens();
        for (int t = 0; t < tokens.size(); ++t) {
            if (tokens[t].kind != SqlExpression::Token::Punct)
                continue;
            if (tokens[t].text == QLatin1String("("))
                ++depth;
            else if (tokens[t].text == QLatin1String(")"))
                --depth;
            else if (depth == 0 && tokens[t].text == QLatin1String("=")) {
                if (eq >= 0)
                    eq = -2;
                else
                    eq = t;
            }
        }
        if (eq < 0)
            return makeError(QStringLiteral("sl_invalid_join"),
                             QStringLiteral("Invalid join condition: '%1'. Write it as "
                                            "'<column> = %2.<column>', with AND between key "
                                            "pairs.")
                                 .arg(on, alias.isEmpty() ? target : alias));
        const SqlExpression left(condition.textOf(0, eq - 1).trimmed());
        const SqlExpression right(condition.textOf(eq + 1, int(tokens.size()) - 1).trimmed());
        const auto l = left.singleReference();
        const auto r = right.singleReference();
        if (!l || !r)
            return makeError(QStringLiteral("sl_invalid_join"),
                             QStringLiteral("Invalid join condition: '%1'. Each side of '=' must "
                                            "be a column.")
                                 .arg(on));
        const auto isTarget = [&](const QString &q) {
            return !q.isEmpty() && q != owner && (q == target || q == alias);
        };
        if (isTarget(l->qualifier) && !isTarget(r->qualifier)) {
            keys.ownerColumns << r->name;
            keys.targetColumns << l->name;
        } else {
            keys.ownerColumns << l->name;
            keys.targetColumns << r->name;
        }
    }
    if (keys.ownerColumns.isEmpty())
        return makeError(QStringLiteral("sl_invalid_join"),
                         QStringLiteral("Invalid join condition: '%1'").arg(on));
    return keys;
}

JoinGraph::JoinGraph(const QList<SemanticSource> &sources)
{
    const auto addNode = [this](const QString &name) {
        if (!m_adjacency.contains(name)) {
            m_adjacency.insert(name, {});
            m_nodes << name;
        }
    };
    for (const SemanticSource &s : sources)
        addNode(s.name);
    for (const SemanticSource &s : sources) {
        for (const SourceJoin &join : s.joins) {
            Result<JoinKeys> keys = parseOn(join.on, s.name, join.to, join.alias);
            if (!keys.ok()) {
                m_errors << QStringLiteral("Source '%1': %2").arg(s.name, keys.error().message);
                continue;
            }
            const QString target = join.targetName();
            if (!join.alias.isEmpty())
                m_aliasMap.insert(join.alias, join.to);
            addNode(target);
            m_adjacency[s.name].append(JoinEdge {s.name, target, keys->ownerColumns,
                                                 keys->targetColumns, join.relationship,
                                                 join.alias});
            m_adjacency[target].append(JoinEdge {target, s.name, keys->targetColumns,
                                                 keys->ownerColumns, inverse(join.relationship),
                                                 join.alias});
        }
    }
}

const QList<JoinEdge> &JoinGraph::edgesFrom(const QString &node) const
{
    static const QList<JoinEdge> none;
    const auto it = m_adjacency.constFind(node);
    return it == m_adjacency.cend() ? none : *it;
}

std::optional<JoinPath> JoinGraph::findPath(const QString &from, const QString &to) const
{
    if (from == to)
        return JoinPath {};
    if (!m_adjacency.contains(from) || !m_adjacency.contains(to))
        return std::nullopt;

    // Ties break by insertion order (a counter), so the same graph always yields
    // the same path; a second equal-cost arrival marks the path ambiguous.
    struct Entry
    {
        int cost;
        int counter;
        QString node;
        QList<JoinEdge> path;
        bool operator>(const Entry &o) const
        {
            return cost != o.cost ? cost > o.cost : counter > o.counter;
        }
    };
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
    int counter = 0;
    heap.push(Entry {0, counter, from, {}});
    QSet<QString> visited;
    std::optional<JoinPath> first;
    int firstCost = -1;
    while (!heap.empty()) {
        Entry e = heap.top();
        heap.pop();
        if (first && e.cost > firstCost)
            break;
        if (e.node == to) {
            if (!first) {
                JoinPath p;
                p.edges = e.path;
                p.hasOneToMany = std::any_of(p.edges.cbegin(), p.edges.cend(),
                                             [](const JoinEdge &x) { return x.isOneToMany(); });
                first = p;
                firstCost = e.cost;
                continue;
            }
            first->ambiguous = true;
            return first;
        }
        if (visited.contains(e.node))
            continue;
        visited.insert(e.node);
        for (const JoinEdge &edge : edgesFrom(e.node)) {
            if (visited.contains(edge.toSource))
                continue;
            ++counter;
            QList<JoinEdge> path = e.path;
            path.append(edge);
            heap.push(Entry {e.cost + (edge.isOneToMany() ? 10 : 1), counter, edge.toSource,
                             std::move(path)});
        }
    }
    return first;
}

Result<JoinTree> JoinGraph::resolveTree(const QSet<QString> &sources, const QString &root) const
{
    JoinTree tree;
    if (sources.size() <= 1) {
        tree.sources = sources;
        return tree;
    }
    QStringList names(sources.cbegin(), sources.cend());
    std::sort(names.begin(), names.end());
    if (!root.isEmpty() && sources.contains(root)) {
        names.removeAll(root);
        names.prepend(root);
    }
    const QString start = names.first();
    tree.sources.insert(start);
    for (int i = 1; i < names.size(); ++i) {
        const QString &target = names[i];
        if (tree.sources.contains(target))
            continue;
        const std::optional<JoinPath> path = findPath(start, target);
        if (!path)
            return makeError(QStringLiteral("sl_no_join_path"),
                             QStringLiteral("No join path from '%1' to '%2'. These sources are "
                                            "not connected in the join graph.")
                                 .arg(start, target),
                             QStringLiteral("Add a join between them (joins: in one of the "
                                            "source files), or query them separately."));
        if (path->ambiguous)
            tree.warnings << QStringLiteral("Ambiguous join path from '%1' to '%2': several "
                                            "paths of the same cost exist; one was picked. Use "
                                            "join aliases to say which one you mean.")
                                 .arg(start, target);
        for (const JoinEdge &edge : path->edges) {
            const bool present
                = std::any_of(tree.edges.cbegin(), tree.edges.cend(), [&](const JoinEdge &e) {
                      return e.fromSource == edge.fromSource && e.toSource == edge.toSource;
                  });
            if (!present) {
                tree.edges.append(edge);
                tree.hasOneToMany = tree.hasOneToMany || edge.isOneToMany();
            }
            tree.sources.insert(edge.fromSource);
            tree.sources.insert(edge.toSource);
        }
    }
    return tree;
}

QList<QSet<QString>> JoinGraph::components() const
{
    QHash<QString, QStringList> aliasNeighbours;
    for (auto it = m_aliasMap.cbegin(); it != m_aliasMap.cend(); ++it) {
        aliasNeighbours[it.key()] << it.value();
        aliasNeighbours[it.value()] << it.key();
    }
    QList<QSet<QString>> out;
    QSet<QString> seen;
    for (const QString &start : m_nodes) {
        if (seen.contains(start))
            continue;
        QSet<QString> component;
        QStringList queue {start};
        while (!queue.isEmpty()) {
            const QString node = queue.takeLast();
            if (component.contains(node))
                continue;
            component.insert(node);
            for (const JoinEdge &e : edgesFrom(node))
                queue << e.toSource;
            queue += aliasNeighbours.value(node);
        }
        seen += component;
        out << component;
    }
    return out;
}

} // namespace ktx
