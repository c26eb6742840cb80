#include "ui/transcriptview.h"

#include "models/runeventmodel.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QScrollBar>
#include <QTextCursor>

namespace ktx {

namespace {

using Type = IngestEvent::Type;

// Tool outputs can be 20,000 characters; the transcript shows the start.
constexpr int MaxShownOutput = 2000;

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString block(const QString &title, const QString &body, const QString &colour = {})
{
    const QString style
        = colour.isEmpty() ? QString() : QStringLiteral(" style=\"color:%1\"").arg(colour);
    return QStringLiteral("<p><b%1>%2</b>%3</p>")
        .arg(style, title, body.isEmpty() ? QString() : QStringLiteral("<br>") + body);
}

QString pre(const QString &text)
{
    QString shown = text.left(MaxShownOutput);
    if (text.size() > MaxShownOutput)
        shown += QStringLiteral("\n… (%1 more characters)").arg(text.size() - MaxShownOutput);
    return QStringLiteral("<pre>%1</pre>").arg(esc(shown));
}

} // namespace

TranscriptView::TranscriptView(QWidget *parent)
    : QTextBrowser(parent)
{
    setAccessibleName(tr("Transcript"));
    setOpenLinks(false);
    setPlaceholderText(tr("Select a work unit to see its transcript."));
}

void TranscriptView::setModel(RunEventModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (m_model) {
        connect(m_model, &RunEventModel::eventsAdded, this, &TranscriptView::appendEvents);
        connect(m_model, &QAbstractItemModel::modelReset, this, &TranscriptView::rebuild);
    }
    rebuild();
}

void TranscriptView::showUnit(const QString &unitKey)
{
    m_unitKey = unitKey;
    rebuild();
}

void TranscriptView::rebuild()
{
    clear();
    m_shown = 0;
    if (!m_model)
        return;
    QString html;
    const QList<int> indexes = m_model->transcript(m_unitKey);
    for (int index : indexes)
        html += eventHtml(m_model->events().at(index));
    m_shown = int(indexes.size());
    setHtml(html);
}

void TranscriptView::appendEvents(int first, int count)
{
    if (!m_model)
        return;
    // Only events of the shown unit, and only those after what is shown (a
    // gate finding may be filed under a unit later than its position).
    const QList<int> indexes = m_model->transcript(m_unitKey);
    if (indexes.size() <= m_shown)
        return;
    Q_UNUSED(first)
    Q_UNUSED(count)
    QString html;
    for (qsizetype i = m_shown; i < indexes.size(); ++i)
        html += eventHtml(m_model->events().at(indexes.at(i)));
    m_shown = int(indexes.size());
    QScrollBar *bar = verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 4;
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertHtml(html);
    if (atEnd)
        bar->setValue(bar->maximum());
}

QString TranscriptView::eventHtml(const IngestEvent &event)
{
    const QJsonObject &d = event.data;
    const QString time = QDateTime::fromMSecsSinceEpoch(event.atMs)
                             .toLocalTime()
                             .toString(QStringLiteral("HH:mm:ss.zzz"));
    const QString at = QStringLiteral(" <small>%1</small>").arg(time);
    switch (event.type) {
    case Type::ModelMessage:
        return block(tr("Model") + at,
                     esc(d.value(QStringLiteral("text")).toString())
                         .replace(QLatin1Char('\n'), QStringLiteral("<br>")));
    case Type::ToolCall: {
        const QString input
            = QString::fromUtf8(QJsonDocument(d.value(QStringLiteral("input")).toObject())
                                    .toJson(QJsonDocument::Indented));
        const bool error = d.value(QStringLiteral("isError")).toBool();
        return block(tr("Tool call %1%2 (%3 ms)")
                             .arg(esc(d.value(QStringLiteral("tool")).toString()),
                                  error ? tr(" — error") : QString())
                             .arg(qint64(d.value(QStringLiteral("durationMs")).toDouble()))
                         + at,
                     tr("input:") + pre(input) + tr("output:")
                         + pre(d.value(QStringLiteral("output")).toString()),
                     error ? QStringLiteral("#c83c3c") : QString());
    }
    case Type::WriteDecision: {
        const bool accepted = d.value(QStringLiteral("accepted")).toBool();
        return block((accepted ? tr("Write accepted: %1") : tr("Write refused: %1"))
                             .arg(esc(d.value(QStringLiteral("path")).toString()))
                         + at,
                     esc(QStringLiteral("%1 %2").arg(d.value(QStringLiteral("tool")).toString(),
                                                     d.value(QStringLiteral("reason")).toString())),
                     accepted ? QStringLiteral("#3d9a50") : QStringLiteral("#c83c3c"));
    }
    case Type::GateFinding: {
        // Evictions name no target; their detail says which evidence went.
        const QString target = d.value(QStringLiteral("target")).toString();
        return block(
            tr("Gate finding: %1 %2")
                    .arg(esc(d.value(QStringLiteral("kind")).toString()),
                         esc(d.value(QStringLiteral("action")).toString()))
                + at,
            esc(target.isEmpty()
                    ? QStringLiteral("%1: %2").arg(d.value(QStringLiteral("artifact")).toString(),
                                                   d.value(QStringLiteral("detail")).toString())
                    : QStringLiteral("%1 → %2").arg(d.value(QStringLiteral("artifact")).toString(),
                                                    target)),
            QStringLiteral("#b07800"));
    }
    case Type::Conflict:
        return block(
            tr("Integration conflict on %1").arg(esc(d.value(QStringLiteral("path")).toString()))
                + at,
            esc(QStringLiteral("%1; %2").arg(
                d.value(QStringLiteral("detail")).toString(),
                d.value(QStringLiteral("resolution")).toString(tr("not resolved")))),
            QStringLiteral("#b07800"));
    case Type::UnitPlanned: {
        QStringList raw;
        for (const QJsonValue &f : d.value(QStringLiteral("rawFiles")).toArray())
            raw << esc(f.toString().section(QLatin1Char('/'), -2));
        QString body = esc(d.value(QStringLiteral("notes")).toString());
        if (!raw.isEmpty())
            body += QStringLiteral("<br>") + tr("owns: ") + raw.join(QStringLiteral(", "));
        return block(tr("Planned: %1").arg(esc(d.value(QStringLiteral("label")).toString())) + at,
                     body);
    }
    case Type::UnitStarted:
        return block(tr("Started") + at,
                     d.value(QStringLiteral("cached")).toBool()
                         ? tr("from the work-unit cache")
                         : tr("on worker %1").arg(d.value(QStringLiteral("worker")).toInt() + 1));
    case Type::UnitFinished: {
        QStringList files;
        for (const QJsonValue &f : d.value(QStringLiteral("filesWritten")).toArray())
            files << esc(f.toString());
        QString body = tr("%1 steps, %2 tool calls, %3 ms")
                           .arg(d.value(QStringLiteral("steps")).toInt())
                           .arg(d.value(QStringLiteral("toolCalls")).toInt())
                           .arg(qint64(d.value(QStringLiteral("durationMs")).toDouble()));
        if (const QString reason = d.value(QStringLiteral("reason")).toString(); !reason.isEmpty())
            body += QStringLiteral("<br>") + esc(reason);
        if (!files.isEmpty())
            body += QStringLiteral("<br>") + tr("wrote: ") + files.join(QStringLiteral(", "));
        return block(tr("Finished: %1").arg(esc(d.value(QStringLiteral("status")).toString())) + at,
                     body);
    }
    case Type::RateLimitWait:
        return block(tr("Rate limited: waiting %1 s")
                             .arg(d.value(QStringLiteral("waitMs")).toDouble() / 1000.0, 0, 'f', 1)
                         + at,
                     esc(d.value(QStringLiteral("reason")).toString()), QStringLiteral("#b07800"));
    case Type::UnitStep:
        return {}; // counted in the table; too chatty for the transcript
    default: {
        // Run-level and rarer events: their type and payload.
        const QString payload = QString::fromUtf8(QJsonDocument(d).toJson(QJsonDocument::Compact));
        return block(esc(IngestEvent::typeName(event.type)) + at,
                     d.isEmpty() ? QString() : esc(payload.left(MaxShownOutput)));
    }
    }
}

} // namespace ktx
