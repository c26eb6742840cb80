#include "readinessrow.h"

#include "colorscheme.h"
#include "elidedlabel.h"
#include "models/statusmodel.h"
#include "richtext.h"
#include "stateicon.h"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>

namespace ktx {

namespace {
constexpr int IconSize = 18;
}

ReadinessRow::ReadinessRow(QWidget *parent)
    : CardRow(parent)
    , m_icon(new QLabel(this))
    , m_label(new QLabel(this))
    , m_value(new ElidedLabel(this))
    , m_detail(new QLabel(this))
    , m_remediation(new QLabel(this))
    , m_setupButton(new QPushButton(this))
{
    m_icon->setFixedSize(IconSize, IconSize);
    QFont bold = m_label->font();
    bold.setBold(true);
    m_label->setFont(bold);
    m_label->setTextFormat(Qt::PlainText);
    for (QLabel *label : {m_detail, m_remediation}) {
        label->setTextFormat(Qt::RichText);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    m_setupButton->setVisible(false);
    m_setupButton->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    connect(m_setupButton, &QPushButton::clicked, this,
            [this] { Q_EMIT setupRequested(m_setupStep); });

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(14, 10, 14, 10);
    layout->setHorizontalSpacing(12);
    layout->setVerticalSpacing(3);
    layout->addWidget(m_icon, 0, 0, Qt::AlignTop);
    layout->addWidget(m_label, 0, 1);
    layout->addWidget(m_value, 0, 2);
    layout->addWidget(m_detail, 1, 1, 1, 2);
    layout->addWidget(m_remediation, 2, 1, 1, 2);
    layout->addWidget(m_setupButton, 0, 3, 3, 1, Qt::AlignVCenter);
    layout->setColumnStretch(2, 1);
    // The icon is centred on the first text line.
    m_icon->setContentsMargins(0, qMax(0, (m_label->sizeHint().height() - IconSize) / 2), 0, 0);
    m_icon->setFixedHeight(IconSize + m_icon->contentsMargins().top());
    updateColors();
}

void ReadinessRow::updateFromIndex(const QModelIndex &index)
{
    m_id = index.data(StatusModel::IdRole).toString();
    m_setupStep = index.data(StatusModel::SetupStepRole).toString();
    m_state = index.data(StatusModel::StateRole).toInt();
    m_label->setText(index.data(StatusModel::LabelRole).toString());
    m_value->setText(index.data(StatusModel::ValueRole).toString());
    const QString detail = index.data(StatusModel::DetailRole).toString();
    m_detail->setText(RichText::fromBackticks(detail));
    m_detail->setVisible(!detail.isEmpty());
    const QString remediation = index.data(StatusModel::RemediationRole).toString();
    m_remediation->setText(RichText::fromBackticks(remediation));
    m_remediation->setVisible(!remediation.isEmpty());
    setAccessibleName(index.data(Qt::DisplayRole).toString());
    updateIcon();
    updateButton();
}

void ReadinessRow::setAvailableSetupSteps(const QStringList &steps)
{
    m_availableSteps = steps;
    updateButton();
}

void ReadinessRow::setOfferSetupWhenOk(bool offer)
{
    if (m_offerWhenOk == offer)
        return;
    m_offerWhenOk = offer;
    updateButton();
}

bool ReadinessRow::needsFix() const
{
    const auto state = static_cast<ReadinessState>(m_state);
    return state == ReadinessState::Fail || state == ReadinessState::Warn;
}

void ReadinessRow::setLabelColumnWidth(int width)
{
    m_label->setMinimumWidth(width);
}

int ReadinessRow::labelWidthHint() const
{
    return m_label->fontMetrics().horizontalAdvance(m_label->text());
}

QString ReadinessRow::labelText() const
{
    return m_label->text();
}

QString ReadinessRow::valueText() const
{
    return m_value->text();
}

void ReadinessRow::changeEvent(QEvent *event)
{
    CardRow::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        updateIcon();
        updateColors();
    }
}

void ReadinessRow::updateIcon()
{
    const auto state = static_cast<ReadinessState>(m_state);
    m_icon->setPixmap(StateIcon::pixmap(state, palette(), IconSize, devicePixelRatioF()));
    m_icon->setToolTip(readinessStateName(state));
}

void ReadinessRow::updateColors()
{
    QPalette secondary = m_detail->palette();
    secondary.setColor(QPalette::WindowText, ColorScheme::secondaryText(palette()));
    m_detail->setPalette(secondary);
    m_value->setPalette(secondary);
}

void ReadinessRow::updateButton()
{
    const bool broken = needsFix();
    const bool available = !m_setupStep.isEmpty() && m_availableSteps.contains(m_setupStep)
        && (broken || m_offerWhenOk);
    m_setupButton->setVisible(available);
    if (!available)
        return;
    m_setupButton->setText(broken ? tr("Fix…") : tr("Change…"));
    // A working line's button stays quiet; a broken line's asks to be pressed.
    m_setupButton->setFlat(!broken);
    m_setupButton->setToolTip(tr("Open the setup wizard at this step"));
    m_setupButton->setAccessibleDescription(m_label->text());
}

} // namespace ktx
