#include "statusdashboard.h"

#include "cardlist.h"
#include "configviewer.h"
#include "connectionrow.h"
#include "models/configissuemodel.h"
#include "models/connectionmodel.h"
#include "models/statusmodel.h"
#include "readinessrow.h"
#include "stateicondelegate.h"
#include "status/statusmonitor.h"
#include "verdictbanner.h"

#include <QDir>
#include <QFormLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QScrollArea>
#include <QSet>
#include <QSplitter>
#include <QVBoxLayout>

namespace ktx {

namespace {

QLabel *makeSectionTitle(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.1);
    label->setFont(font);
    label->setContentsMargins(2, 0, 0, 0);
    return label;
}

QLabel *makeStatValue(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

StatusDashboard::StatusDashboard(StatusMonitor *monitor, QWidget *parent)
    : QWidget(parent)
    , m_monitor(monitor)
    , m_statusModel(new StatusModel(this))
    , m_issueModel(new ConfigIssueModel(this))
    , m_connectionModel(new ConnectionModel(this))
{
    // Left column: what is ready and what exists, scrolling as one page.
    auto *overview = new QWidget;
    auto *overviewLayout = new QVBoxLayout(overview);
    overviewLayout->setContentsMargins(0, 0, 12, 0);
    overviewLayout->setSpacing(8);

    overviewLayout->addWidget(makeSectionTitle(tr("Readiness"), overview));
    m_readiness = new CardList(
        [this](QWidget *parent) {
            auto *row = new ReadinessRow(parent);
            row->setAvailableSetupSteps(m_setupSteps);
            connect(row, &ReadinessRow::setupRequested, this, &StatusDashboard::setupRequested);
            return row;
        },
        overview);
    m_readiness->setObjectName(QStringLiteral("readinessList"));
    m_readiness->setModel(m_statusModel);
    connect(m_readiness, &CardList::rowsChanged, this, &StatusDashboard::alignReadinessLabels);
    overviewLayout->addWidget(m_readiness);

    overviewLayout->addSpacing(10);
    overviewLayout->addWidget(makeSectionTitle(tr("Connections"), overview));
    m_connections
        = new CardList([](QWidget *parent) { return new ConnectionRow(parent); }, overview);
    m_connections->setObjectName(QStringLiteral("connectionList"));
    m_connections->setModel(m_connectionModel);
    overviewLayout->addWidget(m_connections);
    m_noConnections = new CardFrame(overview);
    {
        auto *layout = new QVBoxLayout(m_noConnections);
        layout->setContentsMargins(14, 12, 14, 12);
        auto *text = new QLabel(tr("No connections yet. Databases and context sources you add "
                                   "under “connections:” in ktx.yaml appear here."),
                                m_noConnections);
        text->setWordWrap(true);
        layout->addWidget(text);
    }
    overviewLayout->addWidget(m_noConnections);
    auto updateConnectionsVisibility = [this] {
        const bool any = m_connectionModel->rowCount() > 0;
        m_connections->setVisible(any);
        m_noConnections->setVisible(!any);
    };
    connect(m_connections, &CardList::rowsChanged, this, updateConnectionsVisibility);
    updateConnectionsVisibility();

    overviewLayout->addSpacing(10);
    overviewLayout->addWidget(makeSectionTitle(tr("Local context"), overview));
    auto *stats = new CardFrame(overview);
    auto *statsLayout = new QFormLayout(stats);
    statsLayout->setContentsMargins(14, 12, 14, 12);
    statsLayout->setHorizontalSpacing(24);
    statsLayout->setVerticalSpacing(8);
    statsLayout->setLabelAlignment(Qt::AlignLeft);
    statsLayout->setRowWrapPolicy(QFormLayout::DontWrapRows);
    statsLayout->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_wikiPages = makeStatValue(stats);
    m_semanticSources = makeStatValue(stats);
    m_rawSources = makeStatValue(stats);
    m_completedRuns = makeStatValue(stats);
    statsLayout->addRow(tr("Wiki pages"), m_wikiPages);
    statsLayout->addRow(tr("Semantic sources"), m_semanticSources);
    statsLayout->addRow(tr("Raw sources"), m_rawSources);
    statsLayout->addRow(tr("Completed ingest runs"), m_completedRuns);
    overviewLayout->addWidget(stats);
    overviewLayout->addStretch(1);

    auto *scroll = new QScrollArea;
    scroll->setWidget(overview);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Cards sit on the window colour, like the rest of the page.
    scroll->viewport()->setBackgroundRole(QPalette::Window);
    overview->setBackgroundRole(QPalette::Window);

    // Right column: the configuration as the report read it.
    auto *config = new QWidget;
    auto *configLayout = new QVBoxLayout(config);
    configLayout->setContentsMargins(12, 0, 0, 0);
    configLayout->setSpacing(8);
    auto *configHeader = new QHBoxLayout;
    configHeader->addWidget(makeSectionTitle(tr("ktx.yaml"), config));
    configHeader->addStretch(1);
    m_issueSummary = new QLabel(config);
    m_issueSummary->setObjectName(QStringLiteral("issueSummary"));
    configHeader->addWidget(m_issueSummary);
    configLayout->addLayout(configHeader);

    m_issueView = new QListView(config);
    m_issueView->setObjectName(QStringLiteral("issueView"));
    m_issueView->setAccessibleName(tr("Configuration problems"));
    m_issueView->setModel(m_issueModel);
    m_issueView->setItemDelegate(new StateIconDelegate(ConfigIssueModel::StateRole, m_issueView));
    m_issueView->setUniformItemSizes(true);
    m_issueView->setTextElideMode(Qt::ElideRight);
    m_issueView->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_issueView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_issueView->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    configLayout->addWidget(m_issueView);
    connect(m_issueView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &StatusDashboard::showIssue);
    // A click on the row that is already current still jumps back to it.
    connect(m_issueView, &QListView::clicked, this, &StatusDashboard::showIssue);
    connect(m_issueView, &QListView::activated, this, &StatusDashboard::showIssue);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved}) {
        connect(m_issueModel, signal, this, &StatusDashboard::updateIssueViewHeight);
    }
    connect(m_issueModel, &ConfigIssueModel::countsChanged, this,
            &StatusDashboard::updateIssueSummary);

    m_viewer = new ConfigViewer(config);
    m_viewer->setObjectName(QStringLiteral("configViewer"));
    configLayout->addWidget(m_viewer, 1);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(scroll);
    m_splitter->addWidget(config);
    m_splitter->setStretchFactor(0, 11);
    m_splitter->setStretchFactor(1, 9);
    overview->setMinimumWidth(360);
    config->setMinimumWidth(280);

    m_banner = new VerdictBanner(this);
    m_banner->setModel(m_statusModel);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 18, 20, 16);
    layout->setSpacing(16);
    layout->addWidget(m_banner);
    layout->addWidget(m_splitter, 1);

    connect(m_monitor, &StatusMonitor::reportReady, this, &StatusDashboard::applyReport);
    clear();
}

void StatusDashboard::setAvailableSetupSteps(const QStringList &steps)
{
    m_setupSteps = steps;
    for (int row = 0; row < m_readiness->count(); ++row)
        static_cast<ReadinessRow *>(m_readiness->rowAt(row))->setAvailableSetupSteps(steps);
}

void StatusDashboard::clear()
{
    m_statusModel->clear();
    m_issueModel->clear();
    m_connectionModel->clear();
    m_viewer->setConfigText({});
    m_viewer->setMarks({});
    setStats(nullptr);
    updateIssueSummary();
    updateIssueViewHeight();
}

void StatusDashboard::applyReport(const StatusReport &report)
{
    // A computation for a project that was closed meanwhile may still report.
    const QString current = m_monitor->projectDir();
    if (current.isEmpty()
        || (!report.projectDir.isEmpty() && QDir::cleanPath(report.projectDir) != current))
        return;
    m_statusModel->setReport(report);
    m_connectionModel->setReport(report);
    m_issueModel->setReport(report);
    m_viewer->setConfigText(report.configText);
    QList<ConfigViewer::Mark> marks;
    for (const StatusIssue &issue : report.configIssues) {
        if (issue.line > 0)
            marks.append({issue.line,
                          issue.severity == QLatin1String("error") ? ReadinessState::Fail
                                                                   : ReadinessState::Warn});
    }
    m_viewer->setMarks(marks);
    setStats(&report);
    updateIssueSummary();
    Q_EMIT reportShown();
}

void StatusDashboard::alignReadinessLabels()
{
    QList<ReadinessRow *> rows;
    for (int row = 0; row < m_readiness->count(); ++row)
        rows.append(static_cast<ReadinessRow *>(m_readiness->rowAt(row)));
    int width = 0;
    for (ReadinessRow *row : std::as_const(rows))
        width = qMax(width, row->labelWidthHint());
    // Broken lines always get "Fix…"; a step with no broken line offers a
    // quiet "Change…" on its first line only.
    QSet<QString> offered;
    for (ReadinessRow *row : std::as_const(rows)) {
        if (row->needsFix())
            offered.insert(row->setupStep());
    }
    for (ReadinessRow *row : std::as_const(rows)) {
        row->setLabelColumnWidth(width);
        const QString step = row->setupStep();
        row->setOfferSetupWhenOk(!step.isEmpty() && !offered.contains(step));
        offered.insert(step);
    }
}

void StatusDashboard::updateIssueSummary()
{
    const int errors = m_issueModel->errorCount();
    const int warnings = m_issueModel->warningCount();
    if (!m_statusModel->hasReport()) {
        m_issueSummary->clear();
    } else if (errors == 0 && warnings == 0) {
        m_issueSummary->setText(tr("No problems found"));
    } else {
        // Spelled out: no translation catalogue supplies English plural forms.
        const QString errorText = errors == 1 ? tr("1 error") : tr("%1 errors").arg(errors);
        const QString warningText
            = warnings == 1 ? tr("1 warning") : tr("%1 warnings").arg(warnings);
        if (warnings == 0)
            m_issueSummary->setText(errorText);
        else if (errors == 0)
            m_issueSummary->setText(warningText);
        else
            m_issueSummary->setText(tr("%1, %2").arg(errorText, warningText));
    }
}

void StatusDashboard::updateIssueViewHeight()
{
    const int rows = m_issueModel->rowCount();
    m_issueView->setVisible(rows > 0);
    if (rows == 0)
        return;
    // As tall as its rows (up to five), so the editor keeps the space.
    const int rowHeight = qMax(m_issueView->sizeHintForRow(0), fontMetrics().height());
    const int frame = 2 * m_issueView->frameWidth();
    m_issueView->setFixedHeight(qMin(rows, 5) * rowHeight + frame);
}

void StatusDashboard::showIssue(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    const int line = index.data(ConfigIssueModel::LineRole).toInt();
    if (line > 0)
        m_viewer->showLocation(line, index.data(ConfigIssueModel::ColumnRole).toInt());
}

void StatusDashboard::setStats(const StatusReport *report)
{
    if (!report) {
        for (QLabel *label : {m_wikiPages, m_semanticSources, m_rawSources, m_completedRuns})
            label->setText(QStringLiteral("–"));
        return;
    }
    const LocalStats &stats = report->localStats;
    const QLocale locale;

    const int wikiTotal = stats.totalWikiPages();
    QStringList scopes;
    for (const LocalStats::Scope &scope : stats.wikiPages) {
        scopes.append(tr("%1: %2").arg(scope.scope.toLower(), locale.toString(scope.count)));
    }
    m_wikiPages->setText(
        scopes.isEmpty() ? locale.toString(wikiTotal)
                         : tr("%1 (%2)").arg(locale.toString(wikiTotal), scopes.join(tr(", "))));

    const int sourceTotal = stats.totalSemanticSources();
    const qsizetype layers = stats.semanticLayer.size();
    if (layers == 0)
        m_semanticSources->setText(locale.toString(sourceTotal));
    else if (layers == 1)
        m_semanticSources->setText(tr("%1 in 1 connection").arg(locale.toString(sourceTotal)));
    else
        m_semanticSources->setText(
            tr("%1 in %2 connections").arg(locale.toString(sourceTotal), locale.toString(layers)));

    if (stats.rawSourceFiles == 0) {
        m_rawSources->setText(tr("No files yet"));
    } else {
        const QString files = stats.rawSourceFiles == 1
            ? tr("1 file")
            : tr("%1 files").arg(locale.toString(stats.rawSourceFiles));
        m_rawSources->setText(
            tr("%1 (%2)").arg(files, locale.formattedDataSize(stats.rawSourceBytes)));
    }
    m_completedRuns->setText(locale.toString(stats.completedRuns));
}

} // namespace ktx
