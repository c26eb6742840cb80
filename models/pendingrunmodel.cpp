#include "models/pendingrunmodel.h"

#include "models/reviewsession.h"

#include <QDateTime>

namespace ktx {

PendingRunModel::PendingRunModel(ReviewSession *session, QObject *parent)
    : QAbstractListModel(parent)
    , m_session(session)
{
    // A refresh replaces the whole list (runs come and go between refreshes).
    connect(session, &ReviewSession::pendingRunsChanged, this, [this] {
        beginResetModel();
        m_rows = int(m_session->pendingRuns().size());
        endResetModel();
    });
    connect(session, &ReviewSession::pendingRunStatsChanged, this, [this] {
        if (m_rows > 0)
            Q_EMIT dataChanged(index(0), index(m_rows - 1));
    });
}

int PendingRunModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int PendingRunModel::rowOf(const QString &runId) const
{
    for (int i = 0; i < m_rows; ++i)
        if (m_session->pendingRuns().at(i).record.runId == runId)
            return i;
    return -1;
}

QVariant PendingRunModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)
        || index.row() >= m_session->pendingRuns().size())
        return {};
    const PendingRun &run = m_session->pendingRuns().at(index.row());
    const QDateTime started = QDateTime::fromMSecsSinceEpoch(run.record.startedAtMs, Qt::UTC);
    switch (role) {
    case Qt::DisplayRole: {
        const QString head
            = tr("%1\n%2 · %3")
                  .arg(run.record.runId, run.record.sourceKey,
                       started.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
        if (run.files < 0)
            return tr("%1 · counting…").arg(head);
        return tr("%1 · %2 file(s) +%3 −%4")
            .arg(head)
            .arg(run.files)
            .arg(run.additions)
            .arg(run.deletions);
    }
    case Qt::ToolTipRole:
        return tr("Run %1 of %2 (%3), branch %4, base %5")
            .arg(run.record.runId, run.record.sourceKey, run.record.connectionId,
                 run.record.runBranch, run.record.baseCommit.left(10));
    case RunIdRole:
        return run.record.runId;
    case SourceKeyRole:
        return run.record.sourceKey;
    case StartedAtRole:
        return started;
    case FilesRole:
        return run.files;
    case AdditionsRole:
        return run.additions;
    case DeletionsRole:
        return run.deletions;
    default:
        return {};
    }
}

QHash<int, QByteArray> PendingRunModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(RunIdRole, "runId");
    names.insert(SourceKeyRole, "sourceKey");
    names.insert(StartedAtRole, "startedAt");
    names.insert(FilesRole, "files");
    names.insert(AdditionsRole, "additions");
    names.insert(DeletionsRole, "deletions");
    return names;
}

} // namespace ktx
