#pragma once

#include "db/queryresult.h"

#include <QAbstractTableModel>

namespace ktx {

// The rows of one query result for a grid. A new result replaces the old one in
// one reset; its rows then reach the view in batches through fetchMore(), as
// the view scrolls, so ten thousand rows never cost one long layout pass.
class QueryResultModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    static constexpr int BatchSize = 256;

    enum Role {
        RawValueRole = Qt::UserRole + 1, // the QVariant the driver returned
        IsNullRole,
        ColumnTypeRole, // the database type name, where the driver reports it
    };
    Q_ENUM(Role)

    explicit QueryResultModel(QObject *parent = nullptr);

    void setResult(const QueryResult &result);
    void clear();

    int totalRowCount() const { return int(m_result.rows.size()); }
    bool isTruncated() const { return m_result.truncated; }
    const QueryResult &result() const { return m_result; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // How a value reads in the grid: NULL, ISO dates, numbers as the driver gave them.
    static QString displayText(const QVariant &value);

Q_SIGNALS:
    void rowsShownChanged(int shown, int total);

private:
    QueryResult m_result;
    int m_shown = 0;
    bool m_changing = false;
};

} // namespace ktx
