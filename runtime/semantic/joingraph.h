#pragma once

#include "core/result.h"
#include "semantic/semanticsource.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace ktx {

// One directed join between two sources (or a source and an alias of one). A
// declared join gives a forward edge and a reverse edge with the inverse
// relationship.
struct JoinEdge
{
    QString fromSource;
    QString toSource;
    QStringList fromColumns;
    QStringList toColumns;
    QString relationship; // many_to_one | one_to_many | one_to_one
    QString alias;

    bool isOneToMany() const { return relationship == QLatin1String("one_to_many"); }
    // "a.x = b.y AND a.z = b.w (many_to_one)", the original's join_paths text.
    QString description() const;
};

struct JoinPath
{
    QList<JoinEdge> edges;
    bool hasOneToMany = false;
    bool ambiguous = false; // another path of the same cost exists
};

struct JoinTree
{
    QList<JoinEdge> edges; // in the order they are joined from the root
    QSet<QString> sources;
    bool hasOneToMany = false;
    QStringList warnings; // ambiguous paths
};

// The join graph over a source set: Dijkstra shortest paths with one_to_many
// edges ten times as expensive as many_to_one / one_to_one (so a path that
// cannot fan out wins over one that can), and a Steiner approximation that
// joins every needed source to a root.
class JoinGraph
{
public:
    explicit JoinGraph(const QList<SemanticSource> &sources);

    struct JoinKeys
    {
        QStringList ownerColumns;
        QStringList targetColumns;
    };
    // Parses a join `on` ("customer_id = customers.id", "orders.a = t.a AND
    // orders.b = t.b", either side first) into key columns.
    static Result<JoinKeys> parseOn(const QString &on, const QString &owner, const QString &target,
                                    const QString &alias);

    bool contains(const QString &node) const { return m_adjacency.contains(node); }
    const QHash<QString, QString> &aliasMap() const { return m_aliasMap; }
    // The real source behind an alias (the name itself otherwise).
    QString actualSource(const QString &node) const { return m_aliasMap.value(node, node); }
    const QList<JoinEdge> &edgesFrom(const QString &node) const;
    const QStringList &joinErrors() const { return m_errors; }

    // Shortest path; nullopt when the sources are not connected.
    std::optional<JoinPath> findPath(const QString &from, const QString &to) const;
    // Joins every source to `root` (or the alphabetically first source).
    Result<JoinTree> resolveTree(const QSet<QString> &sources, const QString &root) const;
    // Connected components, an alias counting as part of its source's component.
    QList<QSet<QString>> components() const;

private:
    QHash<QString, QList<JoinEdge>> m_adjacency;
    QStringList m_nodes; // insertion order, for deterministic iteration
    QHash<QString, QString> m_aliasMap;
    QStringList m_errors;
};

} // namespace ktx
