#pragma once

#include "semantic/sourceissue.h"

#include <QAbstractListModel>
#include <QList>

namespace ktx {

// The issues of the source an editor holds, one row each ("12:5  error  …"),
// in line order. Replacing the list keeps unchanged leading rows and only
// inserts, removes or changes the rest, so a view's selection survives a
// re-check that found the same problems.
class SourceIssueModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        SeverityRole = Qt::UserRole + 1, // "error" | "warning"
        CodeRole,
        MessageRole,
        LineRole, // 1-based; 0 unknown
        ColumnRole, // 1-based; 0 unknown
        IsErrorRole,
    };
    Q_ENUM(Role)

    explicit SourceIssueModel(QObject *parent = nullptr);

    void setIssues(const QList<SourceIssue> &issues);
    const QList<SourceIssue> &issues() const { return m_issues; }
    int errorCount() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    QList<SourceIssue> m_issues;
};

} // namespace ktx
