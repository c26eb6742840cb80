#include "configissuemodel.h"

namespace ktx {

namespace {

const QString errorSeverity = QStringLiteral("error");

QString issueKey(const StatusIssue &issue)
{
    return issue.severity + QLatin1Char('\x1f') + issue.path + QLatin1Char('\x1f') + issue.message;
}

bool sameIssue(const StatusIssue &a, const StatusIssue &b)
{
    return a.severity == b.severity && a.path == b.path && a.message == b.message && a.fix == b.fix
        && a.line == b.line && a.column == b.column;
}

QString location(const StatusIssue &issue)
{
    if (issue.line <= 0)
        return {};
    QString text = QStringLiteral("ktx.yaml:") + QString::number(issue.line);
    if (issue.column > 0)
        text += QLatin1Char(':') + QString::number(issue.column);
    return text;
}

} // namespace

ConfigIssueModel::ConfigIssueModel(QObject *parent)
    : KeyedRowModel<StatusIssue>(parent)
{ }

QVariant ConfigIssueModel::data(const QModelIndex &index, int role) const
{
    const StatusIssue *issue = rowAt(index);
    if (!issue)
        return {};
    switch (role) {
    case Qt::DisplayRole: {
        const QString where = location(*issue);
        return where.isEmpty() ? issue->message : where + QLatin1String("  ") + issue->message;
    }
    case Qt::ToolTipRole:
        return issue->fix.isEmpty() ? issue->message
                                    : issue->message + QLatin1Char('\n') + issue->fix;
    case SeverityRole:
        return issue->severity;
    case StateRole:
        return int(issue->severity == errorSeverity ? ReadinessState::Fail : ReadinessState::Warn);
    case PathRole:
        return issue->path;
    case MessageRole:
        return issue->message;
    case FixRole:
        return issue->fix;
    case LineRole:
        return issue->line;
    case ColumnRole:
        return issue->column;
    case LocationRole:
        return location(*issue);
    default:
        return {};
    }
}

QHash<int, QByteArray> ConfigIssueModel::roleNames() const
{
    QHash<int, QByteArray> names = KeyedRowModel<StatusIssue>::roleNames();
    names.insert(SeverityRole, "severity");
    names.insert(StateRole, "state");
    names.insert(PathRole, "path");
    names.insert(MessageRole, "message");
    names.insert(FixRole, "fix");
    names.insert(LineRole, "line");
    names.insert(ColumnRole, "column");
    names.insert(LocationRole, "location");
    return names;
}

void ConfigIssueModel::setReport(const StatusReport &report)
{
    QList<StatusIssue> issues = report.configIssues;
    issues.reserve(issues.size() + report.warnings.size());
    for (const StatusWarning &warning : report.warnings) {
        StatusIssue issue;
        issue.severity = QStringLiteral("warning");
        issue.message = warning.message;
        issue.fix = warning.fix;
        issues.append(issue);
    }
    setIssues(issues);
}

void ConfigIssueModel::clear()
{
    setIssues({});
}

void ConfigIssueModel::setIssues(const QList<StatusIssue> &issues)
{
    updateRows(issues, issueKey, sameIssue);
    int errors = 0;
    for (const StatusIssue &issue : issues) {
        if (issue.severity == errorSeverity)
            ++errors;
    }
    const int warnings = int(issues.size()) - errors;
    if (errors != m_errorCount || warnings != m_warningCount) {
        m_errorCount = errors;
        m_warningCount = warnings;
        Q_EMIT countsChanged();
    }
}

} // namespace ktx
