#include "connectionrow.h"

#include "colorscheme.h"
#include "models/connectionmodel.h"
#include "stateicon.h"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>

namespace ktx {

namespace {
constexpr int IconSize = 16;
}

ConnectionRow::ConnectionRow(QWidget *parent)
    : CardRow(parent)
    , m_icon(new QLabel(this))
    , m_name(new QLabel(this))
    , m_driver(new QLabel(this))
    , m_detail(new QLabel(this))
    , m_fix(new QLabel(this))
{
    QFont bold = m_name->font();
    bold.setBold(true);
    m_name->setFont(bold);
    for (QLabel *label : {m_name, m_driver, m_detail, m_fix}) {
        label->setTextFormat(Qt::PlainText);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    m_detail->setWordWrap(true);
    m_fix->setWordWrap(true);

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(14, 9, 14, 9);
    layout->setHorizontalSpacing(10);
    layout->setVerticalSpacing(3);
    layout->addWidget(m_icon, 0, 0, Qt::AlignTop);
    layout->addWidget(m_name, 0, 1);
    layout->addWidget(m_driver, 0, 2);
    layout->addWidget(m_detail, 1, 1, 1, 2);
    layout->addWidget(m_fix, 2, 1, 1, 2);
    layout->setColumnStretch(2, 1);
    m_icon->setContentsMargins(0, qMax(0, (m_name->sizeHint().height() - IconSize) / 2), 0, 0);
    m_icon->setFixedSize(IconSize, IconSize + m_icon->contentsMargins().top());
    updateColors();
}

void ConnectionRow::updateFromIndex(const QModelIndex &index)
{
    m_state = index.data(ConnectionModel::StateRole).toInt();
    m_name->setText(index.data(ConnectionModel::NameRole).toString());
    m_driver->setText(index.data(ConnectionModel::DriverRole).toString());
    const QString detail = index.data(ConnectionModel::DetailRole).toString();
    m_detail->setText(detail);
    m_detail->setVisible(!detail.isEmpty());
    const QString fix = index.data(ConnectionModel::FixRole).toString();
    m_fix->setText(fix);
    m_fix->setVisible(!fix.isEmpty());
    setAccessibleName(m_name->text());
    updateIcon();
}

QString ConnectionRow::name() const
{
    return m_name->text();
}

void ConnectionRow::changeEvent(QEvent *event)
{
    CardRow::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        updateIcon();
        updateColors();
    }
}

void ConnectionRow::updateIcon()
{
    const auto state = static_cast<ReadinessState>(m_state);
    m_icon->setPixmap(StateIcon::pixmap(state, palette(), IconSize, devicePixelRatioF()));
    m_icon->setToolTip(readinessStateName(state));
}

void ConnectionRow::updateColors()
{
    QPalette secondary = m_driver->palette();
    secondary.setColor(QPalette::WindowText, ColorScheme::secondaryText(palette()));
    m_driver->setPalette(secondary);
    m_detail->setPalette(secondary);
}

} // namespace ktx
