#include "wikipagelistmodel.h"

namespace ktx {

WikiPageListModel::WikiPageListModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

void WikiPageListModel::setEntries(const QList<Entry> &entries)
{
    beginResetModel();
    m_entries = entries;
    endResetModel();
}

void WikiPageListModel::clear()
{
    setEntries({});
}

void WikiPageListModel::updatePage(const WikiPage &page)
{
    const int row = rowOf(page.scopedKey());
    if (row >= 0) {
        m_entries[row].page = page;
        Q_EMIT dataChanged(index(row), index(row));
        return;
    }
    const int end = int(m_entries.size());
    beginInsertRows({}, end, end);
    m_entries.append(Entry {page, {}});
    endInsertRows();
}

int WikiPageListModel::rowOf(const QString &scopedKey) const
{
    for (int i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).page.scopedKey() == scopedKey)
            return i;
    }
    return -1;
}

const WikiPage *WikiPageListModel::page(int row) const
{
    return row >= 0 && row < m_entries.size() ? &m_entries.at(row).page : nullptr;
}

int WikiPageListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant WikiPageListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &e = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return e.page.scope == WikiScope::User ? tr("%1 (yours)").arg(e.page.key) : e.page.key;
    case Qt::ToolTipRole:
        return e.page.summary;
    case KeyRole:
        return e.page.key;
    case ScopedKeyRole:
        return e.page.scopedKey();
    case SummaryRole:
        return e.page.summary;
    case TagsRole:
        return e.page.tags;
    case SnippetRole:
        return e.snippet;
    case PathRole:
        return e.page.relativePath();
    default:
        return {};
    }
}

QHash<int, QByteArray> WikiPageListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(KeyRole, "key");
    names.insert(ScopedKeyRole, "scopedKey");
    names.insert(SummaryRole, "summary");
    names.insert(TagsRole, "tags");
    names.insert(SnippetRole, "snippet");
    names.insert(PathRole, "path");
    return names;
}

} // namespace ktx
