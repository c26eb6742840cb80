#include "models/runeventmodel.h"

#include "ingest/ingestrun.h"
#include "ingest/runeventlog.h"

#include <QJsonArray>
#include <QSet>

#include <algorithm>

namespace ktx {

namespace {

using Type = IngestEvent::Type;

bool isTerminal(const QString &state)
{
    return state == QLatin1String("success") || state == QLatin1String("failed")
        || state == QLatin1String("cancelled") || state == QLatin1String("done")
        || state == QLatin1String("skipped");
}

// The file name without folders and extension: what a gate finding calls an
// artifact (a source name or a wiki page key).
QString artifactName(const QString &path)
{
    const QString name = path.section(QLatin1Char('/'), -1);
    const int dot = name.lastIndexOf(QLatin1Char('.'));
    return dot > 0 ? name.left(dot) : name;
}

QString formatDuration(qint64 ms)
{
    if (ms < 0)
        return {};
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60000)
        return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    return QStringLiteral("%1 min %2 s").arg(ms / 60000).arg((ms % 60000) / 1000);
}

} // namespace

RunEventModel::RunEventModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

QStringList RunEventModel::phases()
{
    QStringList names;
    for (int p = int(IngestPhase::Acquire); p <= int(IngestPhase::Land); ++p)
        names << ingestPhaseName(IngestPhase(p));
    return names;
}

int RunEventModel::phaseIndex() const
{
    return m_header.phase.isEmpty() ? -1 : int(phases().indexOf(m_header.phase));
}

void RunEventModel::clear()
{
    beginResetModel();
    m_events.clear();
    m_units.clear();
    m_rowByKey.clear();
    m_runEvents.clear();
    m_header = {};
    m_maxWorker = -1;
    endResetModel();
    Q_EMIT headerChanged();
}

Result<void> RunEventModel::loadFile(const QString &eventsPath)
{
    auto events = RunEventLog::read(eventsPath);
    if (!events.ok())
        return events.error();
    clear();
    appendEvents(*events);
    return {};
}

void RunEventModel::appendEvents(const QList<IngestEvent> &batch)
{
    if (batch.isEmpty())
        return;
    // New units first, in one insertion, so views see one rowsInserted per batch.
    QStringList newKeys;
    QSet<QString> seen;
    for (const IngestEvent &event : batch) {
        if (!event.unitKey.isEmpty() && !m_rowByKey.contains(event.unitKey)
            && !seen.contains(event.unitKey)) {
            seen.insert(event.unitKey);
            newKeys << event.unitKey;
        }
    }
    if (!newKeys.isEmpty()) {
        const int first = int(m_units.size());
        beginInsertRows({}, first, first + int(newKeys.size()) - 1);
        for (const QString &key : std::as_const(newKeys)) {
            m_rowByKey.insert(key, int(m_units.size()));
            Unit unit;
            unit.key = key;
            unit.label = key;
            m_units << unit;
        }
        endInsertRows();
    }

    const int firstEvent = int(m_events.size());
    QList<int> changedRows;
    for (const IngestEvent &event : batch) {
        m_events << event;
        apply(event, int(m_events.size()) - 1, changedRows);
    }

    // One dataChanged per contiguous range of changed rows.
    std::sort(changedRows.begin(), changedRows.end());
    changedRows.erase(std::unique(changedRows.begin(), changedRows.end()), changedRows.end());
    for (int i = 0; i < changedRows.size();) {
        int j = i;
        while (j + 1 < changedRows.size() && changedRows.at(j + 1) == changedRows.at(j) + 1)
            ++j;
        Q_EMIT dataChanged(index(changedRows.at(i), 0), index(changedRows.at(j), ColumnCount - 1));
        i = j + 1;
    }
    Q_EMIT eventsAdded(firstEvent, int(batch.size()));
    Q_EMIT headerChanged();
}

RunEventModel::Unit &RunEventModel::unitFor(const QString &key, QList<int> &changedRows)
{
    const int row = m_rowByKey.value(key);
    changedRows << row;
    return m_units[row];
}

void RunEventModel::apply(const IngestEvent &event, int index, QList<int> &changedRows)
{
    const QJsonObject &d = event.data;
    m_header.lastEventAtMs = event.atMs;
    if (m_header.runId.isEmpty())
        m_header.runId = event.runId;
    if (!event.phase.isEmpty() && event.type != Type::PhaseChanged)
        m_header.phase = event.phase;

    Unit *unit = nullptr;
    if (event.unitKey.isEmpty()) {
        m_runEvents << index;
    } else {
        unit = &unitFor(event.unitKey, changedRows);
        unit->events << index;
        // A unit without a UnitStarted (the reconciliation) runs from its first event.
        if (unit->state == QLatin1String("planned") && event.type != Type::UnitPlanned) {
            unit->state = QStringLiteral("running");
            if (unit->startedAtMs == 0)
                unit->startedAtMs = event.atMs;
        }
    }

    const bool unitEvent = event.type == Type::UnitPlanned || event.type == Type::UnitStarted
        || event.type == Type::UnitStep || event.type == Type::UnitFinished;
    if (unitEvent && !unit)
        return; // a unit event without a unit key says nothing we can show

    switch (event.type) {
    case Type::RunStarted:
        m_header.connectionId = d.value(QStringLiteral("connectionId")).toString();
        m_header.sourceKey = d.value(QStringLiteral("sourceKey")).toString();
        m_header.jobId = d.value(QStringLiteral("jobId")).toString();
        m_header.reviewMode = d.value(QStringLiteral("reviewMode")).toString();
        m_header.maxConcurrency = d.value(QStringLiteral("maxConcurrency")).toInt();
        m_header.startedAtMs = event.atMs;
        m_header.status = QStringLiteral("running");
        break;
    case Type::PhaseChanged:
        m_header.phase = d.value(QStringLiteral("phase")).toString();
        break;
    case Type::UnitPlanned:
        if (const QString label = d.value(QStringLiteral("label")).toString(); !label.isEmpty())
            unit->label = label;
        break;
    case Type::UnitStarted:
        unit->state = QStringLiteral("running");
        unit->startedAtMs = event.atMs;
        unit->cached = d.value(QStringLiteral("cached")).toBool();
        if (d.contains(QStringLiteral("worker"))) {
            unit->worker = d.value(QStringLiteral("worker")).toInt();
            m_maxWorker = qMax(m_maxWorker, unit->worker);
        }
        break;
    case Type::UnitStep: {
        const int steps = d.value(QStringLiteral("steps")).toInt(unit->steps);
        const int calls = d.value(QStringLiteral("toolCalls")).toInt(unit->toolCalls);
        m_header.steps += qMax(0, steps - unit->steps);
        m_header.toolCalls += qMax(0, calls - unit->toolCalls);
        unit->steps = qMax(unit->steps, steps);
        unit->toolCalls = qMax(unit->toolCalls, calls);
        break;
    }
    case Type::UnitFinished: {
        const int steps = d.value(QStringLiteral("steps")).toInt(unit->steps);
        const int calls = d.value(QStringLiteral("toolCalls")).toInt(unit->toolCalls);
        m_header.steps += qMax(0, steps - unit->steps);
        m_header.toolCalls += qMax(0, calls - unit->toolCalls);
        unit->steps = steps;
        unit->toolCalls = calls;
        unit->state = d.value(QStringLiteral("status")).toString(QStringLiteral("done"));
        unit->reason = d.value(QStringLiteral("reason")).toString();
        unit->cached = unit->cached || d.value(QStringLiteral("cached")).toBool();
        unit->durationMs = qint64(d.value(QStringLiteral("durationMs")).toDouble());
        unit->finishedAtMs = event.atMs;
        if (unit->startedAtMs == 0)
            unit->startedAtMs = event.atMs - unit->durationMs;
        unit->filesWritten.clear();
        for (const QJsonValue &path : d.value(QStringLiteral("filesWritten")).toArray())
            unit->filesWritten << path.toString();
        ++m_header.unitsFinished;
        if (unit->state == QLatin1String("failed"))
            ++m_header.unitsFailed;
        const QJsonObject usage = d.value(QStringLiteral("usage")).toObject();
        if (usage.contains(QStringLiteral("input"))) {
            m_header.inputTokens = qMax<qint64>(0, m_header.inputTokens)
                + qint64(usage.value(QStringLiteral("input")).toDouble());
            m_header.outputTokens = qMax<qint64>(0, m_header.outputTokens)
                + qint64(usage.value(QStringLiteral("output")).toDouble());
        }
        if (d.contains(QStringLiteral("costUsd")))
            m_header.costUsd
                = qMax(0.0, m_header.costUsd) + d.value(QStringLiteral("costUsd")).toDouble();
        break;
    }
    case Type::RateLimitWait:
        m_header.rateLimitUntilMs
            = event.atMs + qint64(d.value(QStringLiteral("waitMs")).toDouble());
        m_header.rateLimitReason = d.value(QStringLiteral("reason")).toString();
        break;
    case Type::GateFinding: {
        // A finding is about an artifact; it belongs in the transcript of the
        // unit that wrote that artifact too.
        const QString artifact = d.value(QStringLiteral("artifact")).toString();
        if (artifact.isEmpty())
            break;
        for (int row = 0; row < m_units.size(); ++row) {
            Unit &u = m_units[row];
            for (const QString &path : std::as_const(u.filesWritten)) {
                if (path == artifact || artifactName(path) == artifact) {
                    u.events << index;
                    changedRows << row;
                    break;
                }
            }
        }
        break;
    }
    case Type::Landed:
    case Type::Failed:
    case Type::Cancelled:
    case Type::Interrupted: {
        if (event.type == Type::Landed) {
            m_header.status = d.value(QStringLiteral("mode")).toString() == QLatin1String("review")
                ? QStringLiteral("pending_review")
                : QStringLiteral("landed");
            m_header.branch = d.value(QStringLiteral("branch")).toString();
            m_header.commitId = d.value(QStringLiteral("commitId")).toString();
            m_header.landedCommit = d.value(QStringLiteral("squashCommitId")).toString();
        } else if (event.type == Type::Failed) {
            m_header.status = QStringLiteral("failed");
            m_header.failureMessage = d.value(QStringLiteral("message")).toString();
        } else if (event.type == Type::Cancelled) {
            m_header.status = QStringLiteral("cancelled");
        } else {
            m_header.status = QStringLiteral("interrupted");
        }
        m_header.finishedAtMs = event.atMs;
        m_header.rateLimitUntilMs = 0;
        // Units the run never finished end with it.
        const QString endState
            = event.type == Type::Landed ? QStringLiteral("done") : m_header.status;
        for (int row = 0; row < m_units.size(); ++row) {
            Unit &u = m_units[row];
            if (isTerminal(u.state))
                continue;
            u.state = endState;
            if (u.startedAtMs != 0) {
                u.finishedAtMs = event.atMs;
                u.durationMs = event.atMs - u.startedAtMs;
            }
            changedRows << row;
        }
        break;
    }
    default:
        break;
    }
}

const RunEventModel::Unit *RunEventModel::unit(int row) const
{
    return row >= 0 && row < m_units.size() ? &m_units.at(row) : nullptr;
}

int RunEventModel::rowOf(const QString &unitKey) const
{
    return m_rowByKey.value(unitKey, -1);
}

QList<int> RunEventModel::transcript(const QString &unitKey) const
{
    if (unitKey.isEmpty())
        return m_runEvents;
    const int row = rowOf(unitKey);
    return row < 0 ? QList<int>() : m_units.at(row).events;
}

int RunEventModel::workerSlots() const
{
    return qMax(m_header.maxConcurrency, m_maxWorker + 1);
}

int RunEventModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_units.size());
}

int RunEventModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunEventModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Unit &u = m_units.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case UnitColumn:
            return u.label;
        case StateColumn:
            return u.cached ? tr("%1 (cached)").arg(u.state) : u.state;
        case StepsColumn:
            return u.steps;
        case ToolCallsColumn:
            return u.toolCalls;
        case DurationColumn:
            return formatDuration(u.durationMs);
        case FilesColumn:
            return u.filesWritten.size();
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == FilesColumn && !u.filesWritten.isEmpty())
            return u.filesWritten.join(QLatin1Char('\n'));
        if (index.column() == StateColumn && !u.reason.isEmpty())
            return u.reason;
        return {};
    case Qt::TextAlignmentRole:
        return index.column() >= StepsColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                                             : QVariant();
    case UnitKeyRole:
        return u.key;
    case LabelRole:
        return u.label;
    case StateRole:
        return u.state;
    case StepsRole:
        return u.steps;
    case ToolCallsRole:
        return u.toolCalls;
    case DurationRole:
        return u.durationMs;
    case FilesWrittenRole:
        return u.filesWritten;
    case WorkerRole:
        return u.worker;
    case StartedAtRole:
        return u.startedAtMs;
    case FinishedAtRole:
        return u.finishedAtMs;
    case CachedRole:
        return u.cached;
    case ReasonRole:
        return u.reason;
    case EventCountRole:
        return int(u.events.size());
    default:
        return {};
    }
}

QVariant RunEventModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case UnitColumn:
        return tr("Unit");
    case StateColumn:
        return tr("State");
    case StepsColumn:
        return tr("Steps");
    case ToolCallsColumn:
        return tr("Tool calls");
    case DurationColumn:
        return tr("Duration");
    case FilesColumn:
        return tr("Files");
    default:
        return {};
    }
}

QHash<int, QByteArray> RunEventModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(UnitKeyRole, "unitKey");
    names.insert(LabelRole, "label");
    names.insert(StateRole, "state");
    names.insert(StepsRole, "steps");
    names.insert(ToolCallsRole, "toolCalls");
    names.insert(DurationRole, "durationMs");
    names.insert(FilesWrittenRole, "filesWritten");
    names.insert(WorkerRole, "worker");
    names.insert(StartedAtRole, "startedAtMs");
    names.insert(FinishedAtRole, "finishedAtMs");
    names.insert(CachedRole, "cached");
    names.insert(ReasonRole, "reason");
    names.insert(EventCountRole, "eventCount");
    return names;
}

} // namespace ktx
