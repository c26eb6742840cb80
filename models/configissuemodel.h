#pragma once

#include "keyedrowmodel.h"
#include "status/statusreport.h"

namespace ktx {

// The problems the latest StatusReport found in ktx.yaml: schema issues (with a
// line and column where the validator knows them) followed by general warnings.
// Keyed by severity, config path and message, so an issue that only moves to
// another line (the user edited above it) is a dataChanged, not a remove+insert.
class ConfigIssueModel : public KeyedRowModel<StatusIssue>
{
    Q_OBJECT
    Q_PROPERTY(int errorCount READ errorCount NOTIFY countsChanged)
    Q_PROPERTY(int warningCount READ warningCount NOTIFY countsChanged)

public:
    enum Role {
        SeverityRole = Qt::UserRole + 1, // "error" | "warning"
        StateRole, // int(ktx::ReadinessState): Fail for errors, Warn for warnings
        PathRole, // dotted config path, may be empty
        MessageRole,
        FixRole,
        LineRole, // 1-based; 0 when the issue has no location
        ColumnRole, // 1-based; 0 when unknown
        LocationRole, // "ktx.yaml:12:3", empty without a line
    };
    Q_ENUM(Role)

    explicit ConfigIssueModel(QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setReport(const StatusReport &report);
    void clear();

    int errorCount() const { return m_errorCount; }
    int warningCount() const { return m_warningCount; }

Q_SIGNALS:
    void countsChanged();

private:
    void setIssues(const QList<StatusIssue> &issues);

    int m_errorCount = 0;
    int m_warningCount = 0;
};

} // namespace ktx
