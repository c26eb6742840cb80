#include "semanticfieldmodel.h"

#include <QHash>

#include <algorithm>

namespace ktx {

SemanticFieldModel::SemanticFieldModel(Kind kind, QObject *parent)
    : QAbstractListModel(parent)
    , m_kind(kind)
{ }

QStringList SemanticFieldModel::granularities()
{
    return {QString(),
            QStringLiteral("hour"),
            QStringLiteral("day"),
            QStringLiteral("week"),
            QStringLiteral("month"),
            QStringLiteral("quarter"),
            QStringLiteral("year")};
}

void SemanticFieldModel::setSources(const QList<SemanticSource> &sources)
{
    QHash<QString, Field> previous;
    for (const Field &f : std::as_const(m_fields))
        previous.insert(f.qualified(), f);
    QList<Field> fields;
    for (const SemanticSource &s : sources) {
        switch (m_kind) {
        case Kind::Measures:
            for (const SourceMeasure &m : s.measures)
                fields << Field {s.name, m.name, m.description, m.expr, false, false, {}};
            break;
        case Kind::Dimensions:
            for (const SourceColumn &c : s.columns) {
                if (c.visibility == SourceColumn::Visibility::Hidden)
                    continue;
                const bool isTime
                    = c.type == QLatin1String("time") || c.role == QLatin1String("time");
                fields << Field {s.name, c.name, c.description, c.type, isTime, false, {}};
            }
            break;
        case Kind::Segments:
            for (const SourceSegment &g : s.segments)
                fields << Field {s.name, g.name, g.description, g.expr, false, false, {}};
            break;
        }
    }
    std::sort(fields.begin(), fields.end(),
              [](const Field &a, const Field &b) { return a.qualified() < b.qualified(); });
    for (Field &f : fields) {
        const auto it = previous.constFind(f.qualified());
        if (it != previous.cend()) {
            f.checked = it->checked;
            f.granularity = f.isTime ? it->granularity : QString();
        }
    }
    beginResetModel();
    m_fields = fields;
    endResetModel();
    Q_EMIT checkedChanged();
}

void SemanticFieldModel::clear()
{
    setSources({});
}

QStringList SemanticFieldModel::checkedNames() const
{
    QStringList names;
    for (const Field &f : m_fields) {
        if (f.checked)
            names << f.qualified();
    }
    return names;
}

int SemanticFieldModel::rowOf(const QString &qualifiedName) const
{
    for (int i = 0; i < m_fields.size(); ++i) {
        if (m_fields.at(i).qualified() == qualifiedName)
            return i;
    }
    return -1;
}

bool SemanticFieldModel::setChecked(const QString &qualifiedName, bool checked)
{
    const int row = rowOf(qualifiedName);
    return row >= 0 && setData(index(row), checked, CheckedRole);
}

bool SemanticFieldModel::setGranularity(const QString &qualifiedName, const QString &granularity)
{
    const int row = rowOf(qualifiedName);
    return row >= 0 && setData(index(row), granularity, GranularityRole);
}

void SemanticFieldModel::uncheckAll()
{
    for (int i = 0; i < m_fields.size(); ++i) {
        if (m_fields.at(i).checked)
            setData(index(i), false, CheckedRole);
    }
}

QList<QueryDimension> SemanticFieldModel::checkedDimensions() const
{
    QList<QueryDimension> dimensions;
    for (const Field &f : m_fields) {
        if (f.checked)
            dimensions << QueryDimension {f.qualified(), f.granularity};
    }
    return dimensions;
}

int SemanticFieldModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_fields.size());
}

QVariant SemanticFieldModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Field &f = m_fields.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return f.granularity.isEmpty() ? f.qualified()
                                       : tr("%1 by %2").arg(f.qualified(), f.granularity);
    case Qt::ToolTipRole:
        return f.description.isEmpty() ? f.type : f.description;
    case Qt::CheckStateRole:
        return f.checked ? Qt::Checked : Qt::Unchecked;
    case QualifiedNameRole:
        return f.qualified();
    case SourceNameRole:
        return f.source;
    case FieldNameRole:
        return f.field;
    case DescriptionRole:
        return f.description;
    case TypeRole:
        return f.type;
    case IsTimeRole:
        return f.isTime;
    case GranularityRole:
        return f.granularity;
    case CheckedRole:
        return f.checked;
    default:
        return {};
    }
}

bool SemanticFieldModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    Field &f = m_fields[index.row()];
    if (role == Qt::CheckStateRole || role == CheckedRole) {
        const bool checked = role == CheckedRole
            ? value.toBool()
            : value.value<Qt::CheckState>() == Qt::Checked || value.toInt() == Qt::Checked;
        if (f.checked == checked)
            return true;
        f.checked = checked;
        Q_EMIT dataChanged(index, index, {Qt::CheckStateRole, CheckedRole});
        Q_EMIT checkedChanged();
        return true;
    }
    if (role == GranularityRole) {
        const QString g = value.toString();
        if (!f.isTime || !granularities().contains(g))
            return false;
        if (f.granularity == g)
            return true;
        f.granularity = g;
        Q_EMIT dataChanged(index, index, {Qt::DisplayRole, GranularityRole});
        if (f.checked)
            Q_EMIT checkedChanged();
        return true;
    }
    return false;
}

Qt::ItemFlags SemanticFieldModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable
        | Qt::ItemNeverHasChildren;
}

QHash<int, QByteArray> SemanticFieldModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(QualifiedNameRole, "qualifiedName");
    names.insert(SourceNameRole, "sourceName");
    names.insert(FieldNameRole, "fieldName");
    names.insert(DescriptionRole, "description");
    names.insert(TypeRole, "type");
    names.insert(IsTimeRole, "isTime");
    names.insert(GranularityRole, "granularity");
    names.insert(CheckedRole, "checked");
    return names;
}

} // namespace ktx
