#include "schematreemodel.h"

#include <QLocale>

namespace ktx {

namespace {

// internalId 0 marks a table row; a column row stores its table row + 1.
constexpr quintptr TableMarker = 0;

QString percent(double ratio)
{
    return QLocale().toString(ratio * 100.0, 'f', ratio > 0 && ratio < 0.001 ? 2 : 1)
        + QLatin1Char('%');
}

QString shortValue(const QVariant &value)
{
    if (!value.isValid() || value.isNull())
        return {};
    QString text = value.toString();
    if (text.size() > 40)
        text = text.left(39) + QChar(0x2026);
    return text;
}

} // namespace

SchemaTreeModel::SchemaTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
{ }

void SchemaTreeModel::setTables(const QList<SchemaTable> &tables)
{
    // A new snapshot replaces the whole dataset: the one place this model resets.
    beginResetModel();
    m_tables = tables;
    m_profiles.clear();
    endResetModel();
}

void SchemaTreeModel::clear()
{
    setTables({});
}

void SchemaTreeModel::setProfile(const TableProfile &profile)
{
    int row = -1;
    for (int i = 0; i < m_tables.size(); ++i) {
        if (m_tables.at(i).ref == profile.table) {
            row = i;
            break;
        }
    }
    if (row < 0)
        return;
    m_profiles.insert(row, profile);
    const QModelIndex table = index(row, 0);
    Q_EMIT dataChanged(index(row, NameColumn), index(row, ColumnCount - 1));
    const int columns = int(m_tables.at(row).columns.size());
    if (columns > 0)
        Q_EMIT dataChanged(index(0, NameColumn, table), index(columns - 1, ColumnCount - 1, table));
}

const SchemaTable *SchemaTreeModel::tableAt(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return nullptr;
    const int row = index.internalId() == TableMarker ? index.row() : int(index.internalId()) - 1;
    return row >= 0 && row < m_tables.size() ? &m_tables.at(row) : nullptr;
}

bool SchemaTreeModel::isProfiled(const QModelIndex &index) const
{
    return data(index, ProfiledRole).toBool();
}

QModelIndex SchemaTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid())
        return row < m_tables.size() ? createIndex(row, column, TableMarker) : QModelIndex();
    if (parent.internalId() != TableMarker || parent.row() >= m_tables.size())
        return {};
    if (row >= m_tables.at(parent.row()).columns.size())
        return {};
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex SchemaTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == TableMarker)
        return {};
    return createIndex(int(child.internalId()) - 1, 0, TableMarker);
}

int SchemaTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_tables.size());
    if (parent.column() != 0 || parent.internalId() != TableMarker)
        return 0;
    return int(m_tables.at(parent.row()).columns.size());
}

int SchemaTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant SchemaTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == TableMarker)
        return tableData(index.row(), index.column(), role);
    return columnData(int(index.internalId()) - 1, index.row(), index.column(), role);
}

QVariant SchemaTreeModel::tableData(int row, int column, int role) const
{
    const SchemaTable &table = m_tables.at(row);
    switch (role) {
    case IsTableRole:
        return true;
    case TableNameRole:
        return table.ref.displayName();
    case CommentRole:
        return table.comment;
    case ProfiledRole:
        return m_profiles.contains(row);
    case Qt::ToolTipRole:
        if (!table.comment.isEmpty())
            return table.comment;
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (column) {
    case NameColumn:
        return table.ref.displayName();
    case TypeColumn: {
        const std::optional<qint64> rows = table.exactRows ? table.exactRows : table.estimatedRows;
        const QString kind = table.kind == QLatin1String("view") ? tr("view") : tr("table");
        if (!rows)
            return kind;
        return *rows == 1 ? tr("%1 · 1 row").arg(kind)
                          : tr("%1 · %2 rows").arg(kind, QLocale().toString(*rows));
    }
    case TopValuesColumn:
        if (const auto it = m_profiles.constFind(row); it != m_profiles.cend())
            return tr("profiled from a sample of %1 rows").arg(QLocale().toString(it->sampledRows));
        return {};
    case CommentColumn:
        return table.comment;
    default:
        return {};
    }
}

const ColumnProfile *SchemaTreeModel::profileOf(int tableRow, int row) const
{
    const auto it = m_profiles.constFind(tableRow);
    if (it == m_profiles.cend())
        return nullptr;
    return it->column(m_tables.at(tableRow).columns.at(row).name);
}

QVariant SchemaTreeModel::columnData(int tableRow, int row, int column, int role) const
{
    const SchemaColumn &col = m_tables.at(tableRow).columns.at(row);
    const ColumnProfile *profile = profileOf(tableRow, row);
    switch (role) {
    case IsTableRole:
        return false;
    case TableNameRole:
        return m_tables.at(tableRow).ref.displayName();
    case NativeTypeRole:
        return col.nativeType;
    case DimensionTypeRole:
        return col.dimensionType;
    case NullableRole:
        return col.nullable;
    case PrimaryKeyRole:
        return col.primaryKey;
    case CommentRole:
        return col.comment;
    case ProfiledRole:
        return profile != nullptr;
    case NullRateRole:
        return profile ? QVariant(profile->nullRate()) : QVariant();
    case DistinctCountRole:
        return profile ? QVariant(profile->distinctCount) : QVariant();
    case UniquenessRole:
        return profile ? QVariant(profile->uniquenessRatio()) : QVariant();
    case Qt::TextAlignmentRole:
        if (column == NullRateColumn || column == DistinctColumn || column == UniquenessColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        if (column == TopValuesColumn && profile) {
            QStringList lines;
            for (const ValueCount &value : profile->topValues)
                lines << tr("%1 × %2").arg(QLocale().toString(value.count), value.value);
            return lines.join(QLatin1Char('\n'));
        }
        if (column == CommentColumn || column == NameColumn)
            return col.comment.isEmpty() ? QVariant() : QVariant(col.comment);
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (column) {
    case NameColumn:
        return col.name;
    case TypeColumn:
        return col.nativeType;
    case DimensionColumn:
        return col.dimensionType;
    case NullableColumn:
        return col.nullable ? tr("null") : tr("not null");
    case KeyColumn:
        return col.primaryKey ? tr("PK") : QString();
    case NullRateColumn:
        return profile ? percent(profile->nullRate()) : QVariant();
    case DistinctColumn:
        return profile ? QLocale().toString(profile->distinctCount) : QVariant();
    case UniquenessColumn:
        return profile ? percent(profile->uniquenessRatio()) : QVariant();
    case MinColumn:
        return profile ? shortValue(profile->minValue) : QVariant();
    case MaxColumn:
        return profile ? shortValue(profile->maxValue) : QVariant();
    case TopValuesColumn: {
        if (!profile)
            return {};
        QStringList values;
        for (const ValueCount &value : profile->topValues.mid(0, 3))
            values << shortValue(value.value);
        return values.join(QStringLiteral(", "));
    }
    case CommentColumn:
        return col.comment;
    default:
        return {};
    }
}

QVariant SchemaTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Name");
    case TypeColumn:
        return tr("Type");
    case DimensionColumn:
        return tr("Dimension");
    case NullableColumn:
        return tr("Nullable");
    case KeyColumn:
        return tr("Key");
    case NullRateColumn:
        return tr("Nulls");
    case DistinctColumn:
        return tr("Distinct");
    case UniquenessColumn:
        return tr("Unique");
    case MinColumn:
        return tr("Min");
    case MaxColumn:
        return tr("Max");
    case TopValuesColumn:
        return tr("Top values");
    case CommentColumn:
        return tr("Comment");
    default:
        return {};
    }
}

QHash<int, QByteArray> SchemaTreeModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(IsTableRole, "isTable");
    names.insert(TableNameRole, "tableName");
    names.insert(NativeTypeRole, "nativeType");
    names.insert(DimensionTypeRole, "dimensionType");
    names.insert(NullableRole, "nullable");
    names.insert(PrimaryKeyRole, "primaryKey");
    names.insert(CommentRole, "comment");
    names.insert(ProfiledRole, "profiled");
    names.insert(NullRateRole, "nullRate");
    names.insert(DistinctCountRole, "distinctCount");
    names.insert(UniquenessRole, "uniqueness");
    return names;
}

} // namespace ktx
