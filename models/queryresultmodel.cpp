#include "queryresultmodel.h"

#include <QDate>
#include <QDateTime>

#include <algorithm>

namespace ktx {

namespace {

bool isNumber(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Double:
    case QMetaType::Float:
        return true;
    default:
        return false;
    }
}

} // namespace

QueryResultModel::QueryResultModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void QueryResultModel::setResult(const QueryResult &result)
{
    m_changing = true;
    beginResetModel();
    m_result = result;
    m_shown = std::min(BatchSize, int(m_result.rows.size()));
    endResetModel();
    m_changing = false;
    Q_EMIT rowsShownChanged(m_shown, totalRowCount());
}

void QueryResultModel::clear()
{
    setResult({});
}

int QueryResultModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_shown;
}

int QueryResultModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_result.columns.size());
}

QString QueryResultModel::displayText(const QVariant &value)
{
    if (value.isNull())
        return QStringLiteral("NULL");
    switch (value.typeId()) {
    case QMetaType::QDateTime:
        return value.toDateTime().toString(Qt::ISODate);
    case QMetaType::QDate:
        return value.toDate().toString(Qt::ISODate);
    case QMetaType::QByteArray:
        return QStringLiteral("<%1 bytes>").arg(value.toByteArray().size());
    default:
        return value.toString();
    }
}

QVariant QueryResultModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QVariantList &row = m_result.rows.at(index.row());
    const QVariant value = row.value(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return displayText(value);
    case Qt::ToolTipRole: {
        const QString text = displayText(value);
        return text.size() > 60 ? QVariant(text) : QVariant();
    }
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(isNumber(value) ? Qt::AlignRight | Qt::AlignVCenter
                                                   : Qt::AlignLeft | Qt::AlignVCenter);
    case RawValueRole:
        return value;
    case IsNullRole:
        return value.isNull();
    case ColumnTypeRole:
        return m_result.columnTypes.value(index.column());
    default:
        return {};
    }
}

QVariant QueryResultModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1;
    return m_result.columns.value(section);
}

QHash<int, QByteArray> QueryResultModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(RawValueRole, "rawValue");
    names.insert(IsNullRole, "isNull");
    names.insert(ColumnTypeRole, "columnType");
    return names;
}

bool QueryResultModel::canFetchMore(const QModelIndex &parent) const
{
    // Views (and QAbstractItemModelTester) ask from inside change notifications;
    // a batch is only ever appended outside one.
    return !parent.isValid() && !m_changing && m_shown < totalRowCount();
}

void QueryResultModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    const int next = std::min(m_shown + BatchSize, totalRowCount());
    m_changing = true;
    beginInsertRows({}, m_shown, next - 1);
    m_shown = next;
    endInsertRows();
    m_changing = false;
    Q_EMIT rowsShownChanged(m_shown, totalRowCount());
}

} // namespace ktx
