#include "statusmodel.h"

namespace ktx {

namespace {

QString lineKey(const ReadinessLine &line)
{
    return line.id;
}

bool sameLine(const ReadinessLine &a, const ReadinessLine &b)
{
    return a.id == b.id && a.label == b.label && a.state == b.state && a.value == b.value
        && a.detail == b.detail && a.remediation == b.remediation && a.setupStep == b.setupStep;
}

// Assigns a property's storage and emits its NOTIFY signal only on a real change.
template<typename T>
void assign(StatusModel *model, T &member, const T &value, void (StatusModel::*notify)())
{
    if (member == value)
        return;
    member = value;
    Q_EMIT(model->*notify)();
}

} // namespace

StatusModel::StatusModel(QObject *parent)
    : KeyedRowModel<ReadinessLine>(parent)
{ }

QVariant StatusModel::data(const QModelIndex &index, int role) const
{
    const ReadinessLine *line = rowAt(index);
    if (!line)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return line->value.isEmpty() ? line->label
                                     : line->label + QLatin1String(": ") + line->value;
    case Qt::ToolTipRole: {
        QString tip = line->detail;
        if (!line->remediation.isEmpty())
            tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) + line->remediation;
        return tip;
    }
    case IdRole:
        return line->id;
    case LabelRole:
        return line->label;
    case StateRole:
        return int(line->state);
    case StateNameRole:
        return readinessStateName(line->state);
    case ValueRole:
        return line->value;
    case DetailRole:
        return line->detail;
    case RemediationRole:
        return line->remediation;
    case SetupStepRole:
        return line->setupStep;
    default:
        return {};
    }
}

QHash<int, QByteArray> StatusModel::roleNames() const
{
    QHash<int, QByteArray> names = KeyedRowModel<ReadinessLine>::roleNames();
    names.insert(IdRole, "id");
    names.insert(LabelRole, "label");
    names.insert(StateRole, "state");
    names.insert(StateNameRole, "stateName");
    names.insert(ValueRole, "value");
    names.insert(DetailRole, "detail");
    names.insert(RemediationRole, "remediation");
    names.insert(SetupStepRole, "setupStep");
    return names;
}

void StatusModel::setReport(const StatusReport &report)
{
    updateRows(report.lines, lineKey, sameLine);
    assign(this, m_projectDir, report.projectDir, &StatusModel::projectDirChanged);
    assign(this, m_projectName, report.projectName, &StatusModel::projectNameChanged);
    assign(this, m_verdict, report.verdict, &StatusModel::verdictChanged);
    assign(this, m_verdictReason, report.verdictReason, &StatusModel::verdictReasonChanged);
    assign(this, m_nextActions, report.nextActions, &StatusModel::nextActionsChanged);
    setHasReport(true);
}

void StatusModel::clear()
{
    updateRows({}, lineKey, sameLine);
    assign(this, m_projectDir, QString(), &StatusModel::projectDirChanged);
    assign(this, m_projectName, QString(), &StatusModel::projectNameChanged);
    assign(this, m_verdict, Verdict::Blocked, &StatusModel::verdictChanged);
    assign(this, m_verdictReason, QString(), &StatusModel::verdictReasonChanged);
    assign(this, m_nextActions, QStringList(), &StatusModel::nextActionsChanged);
    setHasReport(false);
}

QModelIndex StatusModel::indexOfId(const QString &id) const
{
    for (qsizetype row = 0; row < rows().size(); ++row) {
        if (rows().at(row).id == id)
            return index(int(row));
    }
    return {};
}

QString StatusModel::verdictName() const
{
    return m_hasReport ? ktx::verdictName(m_verdict) : QString();
}

void StatusModel::setHasReport(bool hasReport)
{
    if (m_hasReport == hasReport)
        return;
    m_hasReport = hasReport;
    Q_EMIT hasReportChanged();
    // The verdict name reads as empty without a report.
    Q_EMIT verdictChanged();
}

} // namespace ktx
