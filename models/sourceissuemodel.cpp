#include "sourceissuemodel.h"

#include <algorithm>

namespace ktx {

namespace {

bool sameIssue(const SourceIssue &a, const SourceIssue &b)
{
    return a.severity == b.severity && a.code == b.code && a.message == b.message
        && a.line == b.line && a.column == b.column;
}

} // namespace

SourceIssueModel::SourceIssueModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

void SourceIssueModel::setIssues(const QList<SourceIssue> &issues)
{
    const int oldCount = int(m_issues.size());
    const int newCount = int(issues.size());
    const int common = std::min(oldCount, newCount);
    int firstChanged = common;
    for (int i = 0; i < common; ++i) {
        if (!sameIssue(m_issues.at(i), issues.at(i))) {
            firstChanged = i;
            break;
        }
    }
    if (newCount < oldCount) {
        beginRemoveRows({}, newCount, oldCount - 1);
        m_issues.resize(newCount);
        endRemoveRows();
    }
    for (int i = firstChanged; i < std::min(int(m_issues.size()), newCount); ++i)
        m_issues[i] = issues.at(i);
    if (firstChanged < std::min(oldCount, newCount))
        Q_EMIT dataChanged(index(firstChanged), index(std::min(oldCount, newCount) - 1));
    if (newCount > oldCount) {
        beginInsertRows({}, oldCount, newCount - 1);
        m_issues = issues;
        endInsertRows();
    }
}

int SourceIssueModel::errorCount() const
{
    return int(std::count_if(m_issues.cbegin(), m_issues.cend(),
                             [](const SourceIssue &i) { return i.isError(); }));
}

int SourceIssueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_issues.size());
}

QVariant SourceIssueModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SourceIssue &issue = m_issues.at(index.row());
    switch (role) {
    case Qt::DisplayRole: {
        const QString where = issue.line > 0
            ? tr("Line %1, column %2").arg(issue.line).arg(issue.column)
            : tr("Whole file");
        const QString kind = issue.isError() ? tr("error") : tr("warning");
        return tr("%1 — %2: %3").arg(where, kind, issue.message);
    }
    case Qt::ToolTipRole:
        return issue.code;
    case SeverityRole:
        return issue.isError() ? QStringLiteral("error") : QStringLiteral("warning");
    case CodeRole:
        return issue.code;
    case MessageRole:
        return issue.message;
    case LineRole:
        return issue.line;
    case ColumnRole:
        return issue.column;
    case IsErrorRole:
        return issue.isError();
    default:
        return {};
    }
}

QHash<int, QByteArray> SourceIssueModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(SeverityRole, "severity");
    names.insert(CodeRole, "code");
    names.insert(MessageRole, "message");
    names.insert(LineRole, "line");
    names.insert(ColumnRole, "column");
    names.insert(IsErrorRole, "isError");
    return names;
}

} // namespace ktx
