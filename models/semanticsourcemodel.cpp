#include "semanticsourcemodel.h"

#include <algorithm>

namespace ktx {

struct SemanticSourceModel::Node
{
    Kind kind = Kind::Connection;
    Node *parent = nullptr;
    std::vector<std::unique_ptr<Node>> children;
    QString name;
    QString detail; // the second column
    QString connectionId;
    QString description;
    QString expression;
    QString filter;
    SourceLocation location;
    // Sources keep their whole definition so a detail pane and the editor can
    // use it without another read.
    std::shared_ptr<const SemanticSource> source;

    int row() const
    {
        if (!parent)
            return -1;
        for (size_t i = 0; i < parent->children.size(); ++i) {
            if (parent->children[i].get() == this)
                return int(i);
        }
        return -1;
    }

    Node *add(Kind k, const QString &n)
    {
        auto child = std::make_unique<Node>();
        child->kind = k;
        child->parent = this;
        child->name = n;
        child->connectionId = connectionId;
        child->source = source;
        children.push_back(std::move(child));
        return children.back().get();
    }
};

namespace {

QString count(qsizetype n, const QString &one, const QString &many)
{
    return n == 1 ? one : many.arg(n);
}

QString firstLine(const QString &text)
{
    return text.section(QLatin1Char('\n'), 0, 0).simplified();
}

} // namespace

SemanticSourceModel::SemanticSourceModel(QObject *parent)
    : QAbstractItemModel(parent)
{ }

SemanticSourceModel::~SemanticSourceModel() = default;

std::unique_ptr<SemanticSourceModel::Node>
SemanticSourceModel::buildConnection(const QString &id, const QList<SemanticSource> &sources)
{
    auto root = std::make_unique<Node>();
    root->kind = Kind::Connection;
    root->name = id;
    root->connectionId = id;
    root->detail = (sources.size() == 1 ? tr("1 source") : tr("%1 sources").arg(sources.size()));
    QList<SemanticSource> sorted = sources;
    std::sort(sorted.begin(), sorted.end(),
              [](const SemanticSource &a, const SemanticSource &b) { return a.name < b.name; });
    for (const SemanticSource &s : std::as_const(sorted)) {
        auto shared = std::make_shared<const SemanticSource>(s);
        Node *src = root->add(Kind::Source, s.name);
        src->source = shared;
        src->description = s.description;
        src->expression = s.isSqlSource() ? s.sql : s.table;
        // The table when it is not the source's own name; otherwise what is in it.
        if (s.isSqlSource())
            src->detail = tr("SQL source");
        else if (s.table != s.name)
            src->detail = s.table;
        else
            src->detail = QString(count(s.columns.size(), tr("1 column"), tr("%1 columns"))
                                  + QStringLiteral(" · ")
                                  + count(s.measures.size(), tr("1 measure"), tr("%1 measures")));
        src->location = s.location;

        Node *columns = src->add(Kind::ColumnGroup, tr("Columns"));
        columns->detail = QString::number(s.columns.size());
        for (const SourceColumn &c : s.columns) {
            Node *n = columns->add(Kind::SourceColumn, c.name);
            n->description = c.description;
            n->expression = c.expr;
            n->filter = c.type;
            n->detail = c.isComputed() ? QString(c.type + QStringLiteral(" = ") + firstLine(c.expr))
                                       : c.type;
            n->location = c.location;
        }
        Node *measures = src->add(Kind::MeasureGroup, tr("Measures"));
        measures->detail = QString::number(s.measures.size());
        for (const SourceMeasure &m : s.measures) {
            Node *n = measures->add(Kind::Measure, m.name);
            n->description = m.description;
            n->expression = m.expr;
            n->filter = m.filter;
            n->detail = firstLine(m.expr);
            n->location = m.location;
        }
        Node *joins = src->add(Kind::JoinGroup, tr("Joins"));
        joins->detail = QString::number(s.joins.size());
        for (const SourceJoin &j : s.joins) {
            Node *n = joins->add(Kind::Join, j.targetName());
            n->expression = j.on;
            n->filter = j.relationship;
            n->detail = j.relationship;
            n->location = j.location;
        }
        Node *segments = src->add(Kind::SegmentGroup, tr("Segments"));
        segments->detail = QString::number(s.segments.size());
        for (const SourceSegment &g : s.segments) {
            Node *n = segments->add(Kind::Segment, g.name);
            n->description = g.description;
            n->expression = g.expr;
            n->detail = firstLine(g.expr);
            n->location = g.location;
        }
    }
    return root;
}

void SemanticSourceModel::setConnection(const QString &connectionId,
                                        const QList<SemanticSource> &sources)
{
    std::unique_ptr<Node> built = buildConnection(connectionId, sources);
    auto it = std::find_if(m_connections.begin(), m_connections.end(),
                           [&](const auto &c) { return c->name == connectionId; });
    if (it != m_connections.end()) {
        Node *existing = it->get();
        const QModelIndex parentIndex = indexOf(existing);
        if (!existing->children.empty()) {
            beginRemoveRows(parentIndex, 0, int(existing->children.size()) - 1);
            existing->children.clear();
            endRemoveRows();
        }
        existing->detail = built->detail;
        Q_EMIT dataChanged(parentIndex, indexOf(existing, DetailColumn));
        if (!built->children.empty()) {
            beginInsertRows(parentIndex, 0, int(built->children.size()) - 1);
            existing->children = std::move(built->children);
            for (auto &child : existing->children)
                child->parent = existing;
            endInsertRows();
        }
        return;
    }
    const auto pos
        = std::lower_bound(m_connections.begin(), m_connections.end(), connectionId,
                           [](const auto &c, const QString &id) { return c->name < id; });
    const int row = int(pos - m_connections.begin());
    beginInsertRows({}, row, row);
    m_connections.insert(m_connections.begin() + row, std::move(built));
    endInsertRows();
}

void SemanticSourceModel::removeConnection(const QString &connectionId)
{
    for (size_t i = 0; i < m_connections.size(); ++i) {
        if (m_connections[i]->name != connectionId)
            continue;
        beginRemoveRows({}, int(i), int(i));
        m_connections.erase(m_connections.begin() + qsizetype(i));
        endRemoveRows();
        return;
    }
}

void SemanticSourceModel::clear()
{
    if (m_connections.empty())
        return;
    beginRemoveRows({}, 0, int(m_connections.size()) - 1);
    m_connections.clear();
    endRemoveRows();
}

QStringList SemanticSourceModel::connectionIds() const
{
    QStringList ids;
    for (const auto &c : m_connections)
        ids << c->name;
    return ids;
}

QModelIndex SemanticSourceModel::connectionIndex(const QString &connectionId) const
{
    for (const auto &c : m_connections) {
        if (c->name == connectionId)
            return indexOf(c.get());
    }
    return {};
}

QModelIndex SemanticSourceModel::sourceIndex(const QString &connectionId,
                                             const QString &sourceName) const
{
    const QModelIndex parent = connectionIndex(connectionId);
    if (!parent.isValid())
        return {};
    for (const auto &s : node(parent)->children) {
        if (s->name == sourceName)
            return indexOf(s.get());
    }
    return {};
}

const SemanticSource *SemanticSourceModel::source(const QModelIndex &index) const
{
    const Node *n = node(index);
    return n ? n->source.get() : nullptr;
}

SemanticSourceModel::Kind SemanticSourceModel::kind(const QModelIndex &index) const
{
    const Node *n = node(index);
    return n ? n->kind : Kind::Connection;
}

SemanticSourceModel::Node *SemanticSourceModel::node(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return nullptr;
    return static_cast<Node *>(index.internalPointer());
}

QModelIndex SemanticSourceModel::indexOf(const Node *n, int column) const
{
    if (!n)
        return {};
    int row = -1;
    if (!n->parent) {
        for (size_t i = 0; i < m_connections.size(); ++i) {
            if (m_connections[i].get() == n)
                row = int(i);
        }
    } else {
        row = n->row();
    }
    return row < 0 ? QModelIndex() : createIndex(row, column, const_cast<Node *>(n));
}

QModelIndex SemanticSourceModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid()) {
        if (row >= int(m_connections.size()))
            return {};
        return createIndex(row, column, m_connections[size_t(row)].get());
    }
    if (parent.column() != 0)
        return {};
    const Node *p = node(parent);
    if (!p || row >= int(p->children.size()))
        return {};
    return createIndex(row, column, p->children[size_t(row)].get());
}

QModelIndex SemanticSourceModel::parent(const QModelIndex &child) const
{
    const Node *n = node(child);
    return n ? indexOf(n->parent) : QModelIndex();
}

int SemanticSourceModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_connections.size());
    if (parent.column() != 0)
        return 0;
    const Node *n = node(parent);
    return n ? int(n->children.size()) : 0;
}

int SemanticSourceModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant SemanticSourceModel::data(const QModelIndex &index, int role) const
{
    const Node *n = node(index);
    if (!n)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == NameColumn ? n->name : n->detail;
    case Qt::ToolTipRole:
        return n->description.isEmpty() ? QVariant() : QVariant(n->description);
    case KindRole:
        return QVariant::fromValue(n->kind);
    case NameRole:
        return n->name;
    case ConnectionIdRole:
        return n->connectionId;
    case SourceNameRole:
        return n->source ? n->source->name : QString();
    case DescriptionRole:
        return n->description;
    case ExpressionRole:
        return n->expression;
    case FilterRole:
        return n->filter;
    case FilePathRole:
        return n->source ? n->source->filePath : QString();
    case LineRole:
        return n->location.line;
    case ColumnRole:
        return n->location.column;
    default:
        return {};
    }
}

QVariant SemanticSourceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == NameColumn  ? tr("Name")
        : section == DetailColumn ? tr("Details")
                                  : QVariant();
}

QHash<int, QByteArray> SemanticSourceModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(KindRole, "kind");
    names.insert(NameRole, "name");
    names.insert(ConnectionIdRole, "connectionId");
    names.insert(SourceNameRole, "sourceName");
    names.insert(DescriptionRole, "description");
    names.insert(ExpressionRole, "expression");
    names.insert(FilterRole, "filter");
    names.insert(FilePathRole, "filePath");
    names.insert(LineRole, "line");
    names.insert(ColumnRole, "column");
    return names;
}

} // namespace ktx
