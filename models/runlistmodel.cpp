#include "models/runlistmodel.h"

#include <QDateTime>

#include <algorithm>

namespace ktx {

RunListModel::RunListModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

Result<void> RunListModel::load(const QString &projectDir)
{
    auto store = RunStore::open(projectDir);
    if (!store.ok())
        return store.error();
    setRuns((*store)->runs({}, 1000));
    return {};
}

void RunListModel::setRuns(const QList<IngestRunRecord> &runs)
{
    m_all = runs;
    refilter();
}

void RunListModel::clear()
{
    setRuns({});
}

void RunListModel::setFilter(const QString &connectionId, const QString &status,
                             const QString &text)
{
    m_connection = connectionId;
    m_status = status;
    m_text = text.trimmed();
    refilter();
}

bool RunListModel::matches(const IngestRunRecord &run) const
{
    if (!m_connection.isEmpty() && run.connectionId != m_connection)
        return false;
    if (!m_status.isEmpty() && run.status != m_status)
        return false;
    if (m_text.isEmpty())
        return true;
    for (const QString *field : {&run.runId, &run.jobId, &run.connectionId, &run.sourceKey,
                                 &run.failureMessage, &run.syncId})
        if (field->contains(m_text, Qt::CaseInsensitive))
            return true;
    return false;
}

void RunListModel::refilter()
{
    beginResetModel();
    m_shown.clear();
    for (const IngestRunRecord &run : std::as_const(m_all))
        if (matches(run))
            m_shown << run;
    endResetModel();
}

const IngestRunRecord *RunListModel::run(int row) const
{
    return row >= 0 && row < m_shown.size() ? &m_shown.at(row) : nullptr;
}

int RunListModel::rowOf(const QString &runId) const
{
    for (int row = 0; row < m_shown.size(); ++row)
        if (m_shown.at(row).runId == runId)
            return row;
    return -1;
}

QStringList RunListModel::connections() const
{
    QStringList ids;
    for (const IngestRunRecord &run : m_all)
        if (!ids.contains(run.connectionId))
            ids << run.connectionId;
    std::sort(ids.begin(), ids.end());
    return ids;
}

QStringList RunListModel::statuses() const
{
    QStringList ids;
    for (const IngestRunRecord &run : m_all)
        if (!ids.contains(run.status))
            ids << run.status;
    std::sort(ids.begin(), ids.end());
    return ids;
}

int RunListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_shown.size());
}

int RunListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const IngestRunRecord &r = m_shown.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case StartedColumn:
            return QDateTime::fromMSecsSinceEpoch(r.startedAtMs)
                .toLocalTime()
                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case SourceColumn:
            return r.sourceKey.isEmpty()
                ? r.connectionId
                : QStringLiteral("%1 · %2").arg(r.connectionId, r.sourceKey);
        case StatusColumn:
            return r.status;
        case PhaseColumn:
            return r.failurePhase.isEmpty() ? r.phase : r.failurePhase;
        case DiffColumn: {
            if (r.diff.isEmpty())
                return {};
            const auto n = [&r](const char *key) {
                return r.diff.value(QLatin1String(key)).toInt();
            };
            return QStringLiteral("+%1/~%2/-%3")
                .arg(n("added"))
                .arg(n("modified"))
                .arg(n("deleted"));
        }
        case RunColumn:
            return r.runId;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return r.failureMessage.isEmpty() ? QVariant() : QVariant(r.failureMessage);
    case RunIdRole:
        return r.runId;
    case ConnectionRole:
        return r.connectionId;
    case SourceKeyRole:
        return r.sourceKey;
    case StatusRole:
        return r.status;
    case StartedAtRole:
        return r.startedAtMs;
    case FinishedAtRole:
        return r.finishedAtMs;
    case FailureRole:
        return r.failureMessage;
    default:
        return {};
    }
}

QVariant RunListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case StartedColumn:
        return tr("Started");
    case SourceColumn:
        return tr("Source");
    case StatusColumn:
        return tr("Status");
    case PhaseColumn:
        return tr("Phase");
    case DiffColumn:
        return tr("Diff");
    case RunColumn:
        return tr("Run");
    default:
        return {};
    }
}

QHash<int, QByteArray> RunListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(RunIdRole, "runId");
    names.insert(ConnectionRole, "connectionId");
    names.insert(SourceKeyRole, "sourceKey");
    names.insert(StatusRole, "status");
    names.insert(StartedAtRole, "startedAtMs");
    names.insert(FinishedAtRole, "finishedAtMs");
    names.insert(FailureRole, "failureMessage");
    return names;
}

} // namespace ktx
