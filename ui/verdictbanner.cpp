#include "verdictbanner.h"

#include "colorscheme.h"
#include "models/statusmodel.h"
#include "richtext.h"
#include "stateicon.h"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>

namespace ktx {

namespace {
constexpr int IconSize = 28;
constexpr int AccentWidth = 4;
} // namespace

VerdictBanner::VerdictBanner(QWidget *parent)
    : QWidget(parent)
    , m_icon(new QLabel(this))
    , m_title(new QLabel(this))
    , m_reason(new QLabel(this))
    , m_actionsTitle(new QLabel(tr("Next steps"), this))
    , m_actions(new QLabel(this))
{
    m_title->setObjectName(QStringLiteral("verdictTitle"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.35);
    m_title->setFont(titleFont);
    QFont bold = m_actionsTitle->font();
    bold.setBold(true);
    m_actionsTitle->setFont(bold);
    for (QLabel *label : {m_title, m_reason, m_actions}) {
        label->setTextFormat(label == m_actions ? Qt::RichText : Qt::PlainText);
        label->setWordWrap(true);
    }
    m_reason->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_actions->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_icon->setFixedSize(IconSize, IconSize);

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(AccentWidth + 16, 14, 18, 14);
    layout->setHorizontalSpacing(14);
    layout->setVerticalSpacing(4);
    layout->addWidget(m_icon, 0, 0, 4, 1, Qt::AlignTop);
    layout->addWidget(m_title, 0, 1);
    layout->addWidget(m_reason, 1, 1);
    layout->addWidget(m_actionsTitle, 2, 1);
    layout->addWidget(m_actions, 3, 1);
    layout->setColumnStretch(1, 1);
    layout->setRowMinimumHeight(2, 0);
    refresh();
}

void VerdictBanner::setModel(StatusModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (m_model) {
        connect(m_model, &StatusModel::verdictChanged, this, &VerdictBanner::refresh);
        connect(m_model, &StatusModel::verdictReasonChanged, this, &VerdictBanner::refresh);
        connect(m_model, &StatusModel::nextActionsChanged, this, &VerdictBanner::refresh);
        connect(m_model, &StatusModel::hasReportChanged, this, &VerdictBanner::refresh);
    }
    refresh();
}

QString VerdictBanner::title() const
{
    return m_title->text();
}

QString VerdictBanner::reason() const
{
    return m_reason->text();
}

QString VerdictBanner::reasonWithoutVerdict(const QString &reason)
{
    const QString separator = QStringLiteral(" — ");
    const qsizetype at = reason.indexOf(separator);
    QString text = (at >= 0 && at <= 24) ? reason.mid(at + separator.size()) : reason;
    if (text == QLatin1String("Ready.") || text == QLatin1String("Ready"))
        return {};
    if (!text.isEmpty())
        text[0] = text.at(0).toUpper();
    return text;
}

void VerdictBanner::paintEvent(QPaintEvent *)
{
    const ReadinessState state = tone();
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    QColor border = ColorScheme::stateColor(state, palette());
    border.setAlphaF(0.45f);
    painter.setPen(QPen(border, 1.0));
    painter.setBrush(ColorScheme::stateTint(state, palette()));
    painter.drawRoundedRect(area, 8, 8);

    // The accent bar is clipped to the rounded outline so its corners match.
    QPainterPath outline;
    outline.addRoundedRect(area, 8, 8);
    painter.setClipPath(outline);
    painter.fillRect(QRectF(area.left(), area.top(), AccentWidth, area.height()),
                     ColorScheme::stateColor(state, palette()));
}

void VerdictBanner::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        refresh();
}

void VerdictBanner::refresh()
{
    const bool hasReport = m_model && m_model->hasReport();
    if (!hasReport) {
        m_title->setText(tr("Checking project status…"));
        m_reason->setText(tr("Reading ktx.yaml and the project's local state."));
    } else {
        switch (m_model->verdict()) {
        case Verdict::Ready:
            m_title->setText(tr("Ready for agents"));
            break;
        case Verdict::Partial:
            m_title->setText(tr("Partially ready"));
            break;
        case Verdict::Blocked:
            m_title->setText(tr("Blocked"));
            break;
        }
        m_reason->setText(reasonWithoutVerdict(m_model->verdictReason()));
    }
    m_reason->setVisible(!m_reason->text().isEmpty());

    const QStringList actions = hasReport ? m_model->nextActions() : QStringList();
    QStringList lines;
    for (const QString &action : actions) {
        // Actions are mostly commands to type; show those as code.
        const bool command = action.startsWith(QLatin1String("ktx "));
        lines.append(QStringLiteral("•&nbsp;&nbsp;")
                     + (command ? QStringLiteral("<code>") + action.toHtmlEscaped()
                                + QStringLiteral("</code>")
                                : RichText::fromBackticks(action)));
    }
    m_actions->setText(lines.join(QStringLiteral("<br>")));
    m_actions->setVisible(!actions.isEmpty());
    m_actionsTitle->setVisible(!actions.isEmpty());

    m_icon->setPixmap(StateIcon::pixmap(tone(), palette(), IconSize, devicePixelRatioF()));
    setAccessibleName(m_title->text());
    setAccessibleDescription(m_reason->text());
    update();
}

ReadinessState VerdictBanner::tone() const
{
    if (!m_model || !m_model->hasReport())
        return ReadinessState::Skipped;
    return verdictState(m_model->verdict());
}

} // namespace ktx
