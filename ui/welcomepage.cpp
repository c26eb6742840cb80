#include "welcomepage.h"

#include "colorscheme.h"
#include "models/recentprojectsmodel.h"
#include "recentprojectdelegate.h"

#include <QAction>
#include <QCommandLinkButton>
#include <QEvent>
#include <QLabel>
#include <QListView>
#include <QVBoxLayout>

namespace ktx {

WelcomePage::WelcomePage(RecentProjectsModel *recent, QWidget *parent)
    : QWidget(parent)
    , m_recent(recent)
{
    auto *column = new QWidget(this);
    column->setMaximumWidth(620);
    auto *layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);

    auto *title = new QLabel(tr("ktx"), column);
    QFont titleFont = title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 2.2);
    title->setFont(titleFont);
    layout->addWidget(title);
    m_subtitle = new QLabel(tr("The context layer for data agents: your warehouse and company "
                               "knowledge as reviewable files agents can use."),
                            column);
    m_subtitle->setWordWrap(true);
    layout->addWidget(m_subtitle);
    layout->addSpacing(18);

    auto *newButton = new QCommandLinkButton(
        tr("New Project…"),
        tr("Create a ktx project in a folder of your choice and set it up step by step."), column);
    auto *openButton = new QCommandLinkButton(
        tr("Open Project…"), tr("Open a folder that already contains a ktx.yaml."), column);
    auto *demoButton = new QCommandLinkButton(
        tr("Open Demo Project"), tr("Explore a ready-made project with a sample SQLite warehouse."),
        column);
    newButton->setObjectName(QStringLiteral("newProjectButton"));
    openButton->setObjectName(QStringLiteral("openProjectButton"));
    demoButton->setObjectName(QStringLiteral("openDemoButton"));
    m_demoButton = demoButton;
    connect(newButton, &QPushButton::clicked, this, &WelcomePage::newProjectRequested);
    connect(openButton, &QPushButton::clicked, this, &WelcomePage::openProjectRequested);
    connect(demoButton, &QPushButton::clicked, this, &WelcomePage::openDemoRequested);
    layout->addWidget(newButton);
    layout->addWidget(openButton);
    layout->addWidget(demoButton);
    layout->addSpacing(22);

    auto *recentTitle = new QLabel(tr("Recent projects"), column);
    QFont bold = recentTitle->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.1);
    recentTitle->setFont(bold);
    layout->addWidget(recentTitle);

    m_recentView = new QListView(column);
    m_recentView->setObjectName(QStringLiteral("recentProjectsView"));
    m_recentView->setAccessibleName(tr("Recent projects"));
    m_recentView->setModel(m_recent);
    m_recentView->setItemDelegate(new RecentProjectDelegate(m_recentView));
    m_recentView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_recentView->setUniformItemSizes(true);
    m_recentView->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    m_recentView->setContextMenuPolicy(Qt::ActionsContextMenu);
    // Enter and double-click both emit activated().
    connect(m_recentView, &QListView::activated, this, [this](const QModelIndex &index) {
        Q_EMIT recentProjectRequested(index.data(RecentProjectsModel::PathRole).toString());
    });
    auto *removeAction = new QAction(tr("Remove from List"), m_recentView);
    removeAction->setShortcut(QKeySequence::Delete);
    removeAction->setShortcutContext(Qt::WidgetShortcut);
    connect(removeAction, &QAction::triggered, this, [this] {
        const QModelIndex current = m_recentView->currentIndex();
        if (current.isValid())
            m_recent->remove(m_recent->pathAt(current.row()));
    });
    m_recentView->addAction(removeAction);
    layout->addWidget(m_recentView);

    m_noRecent = new QLabel(tr("Projects you open appear here."), column);
    layout->addWidget(m_noRecent);
    layout->addStretch(1);

    connect(m_recent, &RecentProjectsModel::countChanged, this,
            &WelcomePage::updateRecentVisibility);
    updateRecentVisibility();
    updateColors();

    auto *outer = new QHBoxLayout(this);
    outer->setContentsMargins(32, 48, 32, 32);
    outer->addStretch(1);
    outer->addWidget(column, 4);
    outer->addStretch(1);
}

void WelcomePage::setDemoBusy(bool busy)
{
    m_demoButton->setEnabled(!busy);
    m_demoButton->setDescription(
        busy ? tr("Creating the demo project and its sample warehouse…")
             : tr("Explore a ready-made project with a sample SQLite warehouse."));
}

void WelcomePage::updateRecentVisibility()
{
    const int rows = m_recent->rowCount();
    const bool any = rows > 0;
    m_recentView->setVisible(any);
    m_noRecent->setVisible(!any);
    if (any) {
        // As tall as its entries (the model keeps at most ten): no empty box.
        const int rowHeight = m_recentView->sizeHintForRow(0);
        m_recentView->setFixedHeight(rows * rowHeight + 2 * m_recentView->frameWidth());
    }
    if (any && !m_recentView->currentIndex().isValid())
        m_recentView->setCurrentIndex(m_recent->index(0));
}

void WelcomePage::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateColors();
}

void WelcomePage::updateColors()
{
    for (QLabel *label : {m_subtitle, m_noRecent}) {
        QPalette secondary = label->palette();
        secondary.setColor(QPalette::WindowText, ColorScheme::secondaryText(palette()));
        label->setPalette(secondary);
    }
}

} // namespace ktx
