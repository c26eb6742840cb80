#pragma once

#include "semantic/semanticsource.h"

#include <QAbstractItemModel>
#include <QList>
#include <QString>

#include <memory>
#include <vector>

namespace ktx {

// The semantic layer as a tree: connection → source → the groups Columns,
// Measures, Joins and Segments → their entries. Each connection is replaced on
// its own (its rows removed and inserted), so reloading one connection leaves
// the others' expansion and selection alone.
class SemanticSourceModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, DetailColumn, ColumnCount };
    Q_ENUM(Column)

    enum class Kind {
        Connection,
        Source,
        ColumnGroup,
        MeasureGroup,
        JoinGroup,
        SegmentGroup,
        SourceColumn,
        Measure,
        Join,
        Segment
    };
    Q_ENUM(Kind)

    enum Role {
        KindRole = Qt::UserRole + 1, // Kind
        NameRole, // the entry's own name (connection id, source name, column name, …)
        ConnectionIdRole,
        SourceNameRole, // the source the entry belongs to (sources: themselves)
        DescriptionRole,
        ExpressionRole, // column/measure/segment expr, join "on", source table or SQL
        FilterRole, // measure filter; join relationship; column type
        FilePathRole, // the source's YAML file
        LineRole, // 1-based line of the entry in that file; 0 unknown
        ColumnRole, // 1-based column of the entry; 0 unknown
    };
    Q_ENUM(Role)

    explicit SemanticSourceModel(QObject *parent = nullptr);
    ~SemanticSourceModel() override;

    // Inserts the connection (sorted by id) or replaces its sources.
    void setConnection(const QString &connectionId, const QList<SemanticSource> &sources);
    void removeConnection(const QString &connectionId);
    void clear();
    QStringList connectionIds() const;

    QModelIndex connectionIndex(const QString &connectionId) const;
    QModelIndex sourceIndex(const QString &connectionId, const QString &sourceName) const;
    // The source an index belongs to (itself, a group or an entry); null for a
    // connection or an invalid index.
    const SemanticSource *source(const QModelIndex &index) const;
    Kind kind(const QModelIndex &index) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    struct Node;
    Node *node(const QModelIndex &index) const;
    QModelIndex indexOf(const Node *n, int column = 0) const;
    static std::unique_ptr<Node> buildConnection(const QString &id,
                                                 const QList<SemanticSource> &sources);

    std::vector<std::unique_ptr<Node>> m_connections;
};

} // namespace ktx
