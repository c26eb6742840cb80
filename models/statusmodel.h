#pragma once

#include "keyedrowmodel.h"
#include "status/statusreport.h"

#include <QStringList>

namespace ktx {

// One row per readiness line of the latest StatusReport, keyed by the line id,
// plus the report-level verdict as properties. Fed by StatusMonitor::reportReady
// in the GUI thread; every update is applied row by row (see KeyedRowModel).
class StatusModel : public KeyedRowModel<ReadinessLine>
{
    Q_OBJECT
    Q_PROPERTY(QString projectDir READ projectDir NOTIFY projectDirChanged)
    Q_PROPERTY(QString projectName READ projectName NOTIFY projectNameChanged)
    Q_PROPERTY(bool hasReport READ hasReport NOTIFY hasReportChanged)
    Q_PROPERTY(QString verdict READ verdictName NOTIFY verdictChanged)
    Q_PROPERTY(QString verdictReason READ verdictReason NOTIFY verdictReasonChanged)
    Q_PROPERTY(QStringList nextActions READ nextActions NOTIFY nextActionsChanged)

public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        LabelRole,
        StateRole, // int(ktx::ReadinessState)
        StateNameRole, // "ok" | "warn" | "fail" | "skipped"
        ValueRole,
        DetailRole,
        RemediationRole,
        SetupStepRole,
    };
    Q_ENUM(Role)

    explicit StatusModel(QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setReport(const StatusReport &report);
    void clear(); // no project: no rows, no verdict

    QModelIndex indexOfId(const QString &id) const;

    QString projectDir() const { return m_projectDir; }
    QString projectName() const { return m_projectName; }
    bool hasReport() const { return m_hasReport; }
    Verdict verdict() const { return m_verdict; }
    QString verdictName() const;
    QString verdictReason() const { return m_verdictReason; }
    QStringList nextActions() const { return m_nextActions; }

Q_SIGNALS:
    void projectDirChanged();
    void projectNameChanged();
    void hasReportChanged();
    void verdictChanged();
    void verdictReasonChanged();
    void nextActionsChanged();

private:
    void setHasReport(bool hasReport);

    QString m_projectDir;
    QString m_projectName;
    bool m_hasReport = false;
    Verdict m_verdict = Verdict::Blocked;
    QString m_verdictReason;
    QStringList m_nextActions;
};

} // namespace ktx
