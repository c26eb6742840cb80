#include "ui/unittimeline.h"

#include "models/runeventmodel.h"

#include <QDateTime>
#include <QMouseEvent>
#include <QPainter>

namespace ktx {

namespace {

constexpr int LabelWidth = 64;
constexpr int AxisHeight = 16;
constexpr int MaxLaneHeight = 22;

QColor stateColor(const QString &state, const QPalette &palette)
{
    if (state == QLatin1String("success") || state == QLatin1String("done"))
        return QColor(0x3d, 0x9a, 0x50);
    if (state == QLatin1String("failed"))
        return QColor(0xc8, 0x3c, 0x3c);
    if (state == QLatin1String("cancelled") || state == QLatin1String("interrupted")
        || state == QLatin1String("skipped"))
        return QColor(0x9a, 0x9a, 0x9a);
    if (state == QLatin1String("running"))
        return palette.color(QPalette::Highlight);
    return palette.color(QPalette::Mid);
}

} // namespace

UnitTimeline::UnitTimeline(QWidget *parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Work unit timeline"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void UnitTimeline::setModel(RunEventModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (m_model) {
        const auto repaint = [this] {
            update();
        }; // coalesced by Qt into one paint
        connect(m_model, &QAbstractItemModel::dataChanged, this, repaint);
        connect(m_model, &QAbstractItemModel::rowsInserted, this, repaint);
        connect(m_model, &QAbstractItemModel::modelReset, this, repaint);
        connect(m_model, &RunEventModel::headerChanged, this, repaint);
    }
    update();
}

void UnitTimeline::setLive(bool live)
{
    m_live = live;
    update();
}

void UnitTimeline::setSelectedUnit(const QString &unitKey)
{
    m_selected = unitKey;
    update();
}

QSize UnitTimeline::sizeHint() const
{
    return {480, 160};
}

QSize UnitTimeline::minimumSizeHint() const
{
    return {160, 60};
}

UnitTimeline::Geometry UnitTimeline::geometry() const
{
    Geometry g;
    if (!m_model)
        return g;
    const RunEventModel::Header &h = m_model->header();
    g.startMs = h.startedAtMs;
    g.endMs = h.finishedAtMs ? h.finishedAtMs : qMax(h.lastEventAtMs, g.startMs);
    // A running run's bars grow to now.
    if (m_live && h.status == QLatin1String("running"))
        g.endMs = qMax(g.endMs, QDateTime::currentMSecsSinceEpoch());
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const RunEventModel::Unit *u = m_model->unit(row);
        if (u->startedAtMs && (g.startMs == 0 || u->startedAtMs < g.startMs))
            g.startMs = u->startedAtMs;
        g.endMs = qMax(g.endMs, u->finishedAtMs);
    }
    g.endMs = qMax(g.endMs, g.startMs + 1);
    // Lane 0..slots-1 for workers; one more for units without a slot (cached, reconcile).
    g.lanes = m_model->workerSlots() + 1;
    g.plot = QRectF(LabelWidth, 2, width() - LabelWidth - 6, height() - AxisHeight - 4);
    g.laneHeight = qMin<double>(MaxLaneHeight, g.plot.height() / qMax(1, g.lanes));
    return g;
}

QRectF UnitTimeline::barRect(const Geometry &g, int row) const
{
    const RunEventModel::Unit *u = m_model->unit(row);
    if (!u || !u->startedAtMs)
        return {};
    const int lane = u->worker >= 0 ? u->worker : g.lanes - 1;
    const qint64 end = u->finishedAtMs ? u->finishedAtMs : g.endMs;
    const double span = double(g.endMs - g.startMs);
    const double x0 = g.plot.left() + g.plot.width() * double(u->startedAtMs - g.startMs) / span;
    const double x1 = g.plot.left() + g.plot.width() * double(end - g.startMs) / span;
    // At least 2 px so a cached (instant) unit still shows.
    return QRectF(x0, g.plot.top() + lane * g.laneHeight + 1, qMax(2.0, x1 - x0), g.laneHeight - 2);
}

QString UnitTimeline::unitAt(const QPoint &pos) const
{
    if (!m_model)
        return {};
    const Geometry g = geometry();
    for (int row = m_model->rowCount() - 1; row >= 0; --row)
        if (barRect(g, row).adjusted(-1, 0, 1, 0).contains(pos))
            return m_model->unit(row)->key;
    return {};
}

void UnitTimeline::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    if (!m_model || m_model->rowCount() == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("No work units yet"));
        return;
    }
    const Geometry g = geometry();
    p.setPen(palette().color(QPalette::Text));
    for (int lane = 0; lane < g.lanes; ++lane) {
        const QRectF laneRect(0, g.plot.top() + lane * g.laneHeight, width(), g.laneHeight);
        if (lane % 2)
            p.fillRect(laneRect, palette().color(QPalette::AlternateBase));
        const QString label = lane == g.lanes - 1 ? tr("other") : tr("worker %1").arg(lane + 1);
        p.drawText(QRectF(4, laneRect.top(), LabelWidth - 8, laneRect.height()),
                   Qt::AlignVCenter | Qt::AlignLeft, label);
    }
    p.setRenderHint(QPainter::Antialiasing, false);
    QRectF selected;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QRectF bar = barRect(g, row);
        if (bar.isNull())
            continue;
        const RunEventModel::Unit *u = m_model->unit(row);
        p.fillRect(bar, stateColor(u->state, palette()));
        if (u->key == m_selected)
            selected = bar;
        if (bar.width() > 40) {
            p.setPen(Qt::white);
            p.drawText(bar.adjusted(3, 0, -2, 0), Qt::AlignVCenter | Qt::AlignLeft,
                       p.fontMetrics().elidedText(u->label, Qt::ElideRight, int(bar.width()) - 5));
        }
    }
    if (!selected.isNull()) {
        p.setPen(QPen(palette().color(QPalette::Text), 2));
        p.drawRect(selected.adjusted(-1, -1, 1, 1));
    }
    // Time axis: elapsed seconds at the ends.
    p.setPen(palette().color(QPalette::Text));
    const QRectF axis(g.plot.left(), height() - AxisHeight, g.plot.width(), AxisHeight);
    p.drawText(axis, Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("0 s"));
    p.drawText(axis, Qt::AlignRight | Qt::AlignVCenter,
               tr("%1 s").arg(double(g.endMs - g.startMs) / 1000.0, 0, 'f', 1));
}

void UnitTimeline::mousePressEvent(QMouseEvent *event)
{
    const QString key = unitAt(event->position().toPoint());
    if (!key.isEmpty()) {
        setSelectedUnit(key);
        Q_EMIT unitClicked(key);
    }
    QWidget::mousePressEvent(event);
}

} // namespace ktx
