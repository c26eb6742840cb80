#pragma once

#include "wiki/wikipage.h"

#include <QAbstractListModel>
#include <QList>

namespace ktx {

// The wiki pages a browser lists: every page visible to the user (by key), or
// the hits of a search (best first, with the matching snippet). Replacing the
// list is one reset; a saved page updates its row in place.
class WikiPageListModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        KeyRole = Qt::UserRole + 1,
        ScopedKeyRole, // global/<key> | user/<id>/<key>
        SummaryRole,
        TagsRole, // QStringList
        SnippetRole, // search hits only
        PathRole, // relative to the project
    };
    Q_ENUM(Role)

    struct Entry
    {
        WikiPage page;
        QString snippet;
    };

    explicit WikiPageListModel(QObject *parent = nullptr);

    void setEntries(const QList<Entry> &entries);
    void clear();
    // Replaces the row of the page with the same scoped key, or appends it.
    void updatePage(const WikiPage &page);
    int rowOf(const QString &scopedKey) const;
    const WikiPage *page(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    QList<Entry> m_entries;
};

} // namespace ktx
