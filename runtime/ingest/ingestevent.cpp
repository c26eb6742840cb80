#include "ingest/ingestevent.h"

#include <array>
#include <utility>

namespace ktx {

namespace {

using Type = IngestEvent::Type;

// Names are part of the events.jsonl format: never rename one.
constexpr std::array<std::pair<Type, const char *>, 18> Names {{
    {Type::RunStarted, "run_started"},
    {Type::PhaseChanged, "phase_changed"},
    {Type::UnitPlanned, "unit_planned"},
    {Type::UnitStarted, "unit_started"},
    {Type::UnitStep, "unit_step"},
    {Type::UnitFinished, "unit_finished"},
    {Type::ToolCall, "tool_call"},
    {Type::ModelMessage, "model_message"},
    {Type::WriteDecision, "write_decision"},
    {Type::GateFinding, "gate_finding"},
    {Type::Conflict, "conflict"},
    {Type::ReconciliationRecord, "reconciliation_record"},
    {Type::Landed, "landed"},
    {Type::Failed, "failed"},
    {Type::Cancelled, "cancelled"},
    {Type::Interrupted, "interrupted"},
    {Type::RateLimitWait, "rate_limit_wait"},
    {Type::Notice, "notice"},
}};

} // namespace

QString IngestEvent::typeName(Type type)
{
    for (const auto &[t, name] : Names)
        if (t == type)
            return QLatin1String(name);
    return QStringLiteral("notice");
}

bool IngestEvent::typeFromName(const QString &name, Type *type)
{
    for (const auto &[t, n] : Names)
        if (name == QLatin1String(n)) {
            *type = t;
            return true;
        }
    return false;
}

QJsonObject IngestEvent::toJson() const
{
    QJsonObject o {{QStringLiteral("seq"), double(seq)},
                   {QStringLiteral("at"), double(atMs)},
                   {QStringLiteral("runId"), runId},
                   {QStringLiteral("type"), typeName(type)}};
    if (!phase.isEmpty())
        o.insert(QStringLiteral("phase"), phase);
    if (!unitKey.isEmpty())
        o.insert(QStringLiteral("unitKey"), unitKey);
    if (!data.isEmpty())
        o.insert(QStringLiteral("data"), data);
    return o;
}

bool IngestEvent::fromJson(const QJsonObject &o, IngestEvent *event)
{
    IngestEvent e;
    if (!typeFromName(o.value(QStringLiteral("type")).toString(), &e.type))
        return false;
    e.seq = qint64(o.value(QStringLiteral("seq")).toDouble());
    e.atMs = qint64(o.value(QStringLiteral("at")).toDouble());
    e.runId = o.value(QStringLiteral("runId")).toString();
    e.phase = o.value(QStringLiteral("phase")).toString();
    e.unitKey = o.value(QStringLiteral("unitKey")).toString();
    e.data = o.value(QStringLiteral("data")).toObject();
    *event = std::move(e);
    return true;
}

} // namespace ktx
