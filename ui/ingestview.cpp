#include "ui/ingestview.h"

#include "ingest/ingestjob.h"
#include "ingest/ingestrun.h"
#include "ingest/runeventlog.h"
#include "ingest/runstore.h"
#include "llm/llmsettings.h"
#include "models/runeventmodel.h"
#include "models/runreportloader.h"
#include "project/configloader.h"
#include "status/statusreport.h"
#include "ui/colorscheme.h"
#include "ui/runbrowser.h"
#include "ui/transcriptview.h"
#include "ui/unittimeline.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace ktx {

namespace {

constexpr int HeaderIntervalMs = 200;

QString elapsedText(qint64 ms)
{
    if (ms < 60000)
        return QStringLiteral("%1 s").arg(double(qMax<qint64>(0, ms)) / 1000.0, 0, 'f', 1);
    const qint64 s = ms / 1000;
    return s < 3600 ? QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'))
                    : QStringLiteral("%1:%2:%3")
                          .arg(s / 3600)
                          .arg((s % 3600) / 60, 2, 10, QLatin1Char('0'))
                          .arg(s % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

IngestView::IngestView(QWidget *parent)
    : QWidget(parent)
    , m_job(new IngestJob(this))
    , m_model(new RunEventModel(this))
    , m_browser(new RunBrowser)
    , m_connection(new QComboBox)
    , m_start(new QPushButton(tr("&Start ingest")))
    , m_cancel(new QPushButton(tr("Ca&ncel")))
    , m_status(new QLabel)
    , m_header(new QLabel)
    , m_rateLimit(new QLabel)
    , m_phaseBar(new QProgressBar)
    , m_units(new QTableView)
    , m_timeline(new UnitTimeline)
    , m_tabs(new QTabWidget)
    , m_transcript(new TranscriptView)
    , m_report(new QTextBrowser)
    , m_reportLoader(new RunReportLoader(this))
    , m_tick(new QTimer(this))
    , m_headerThrottle(new QTimer(this))
{
    m_connection->setAccessibleName(tr("Connection to ingest"));
    m_start->setToolTip(tr("Scan the chosen connection and run the agents over it"));
    m_cancel->setToolTip(tr("Stop the run; nothing it wrote is kept"));
    m_header->setTextFormat(Qt::RichText);
    m_header->setWordWrap(true);
    m_rateLimit->setVisible(false);
    m_rateLimit->setStyleSheet(QStringLiteral("color: #b07800"));
    m_phaseBar->setRange(0, int(RunEventModel::phases().size()));
    m_phaseBar->setValue(0);
    m_phaseBar->setFormat(tr("Not started"));
    m_phaseBar->setAccessibleName(tr("Run phase"));

    m_units->setModel(m_model);
    m_units->setAccessibleName(tr("Work units"));
    m_units->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_units->setSelectionMode(QAbstractItemView::SingleSelection);
    m_units->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_units->verticalHeader()->hide();
    m_units->verticalHeader()->setDefaultSectionSize(m_units->fontMetrics().height() + 6);
    m_units->horizontalHeader()->setSectionResizeMode(RunEventModel::UnitColumn,
                                                      QHeaderView::Stretch);
    m_timeline->setModel(m_model);
    m_transcript->setModel(m_model);
    m_report->setOpenLinks(false);
    m_report->setAccessibleName(tr("Run report"));
    // Tab moves between the report's links and Enter follows one.
    m_report->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_tabs->addTab(m_transcript, tr("&Transcript"));
    m_tabs->addTab(m_report, tr("&Report"));

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Connection:")));
    controls->addWidget(m_connection, 1);
    controls->addWidget(m_start);
    controls->addWidget(m_cancel);

    auto *left = new QSplitter(Qt::Vertical);
    left->addWidget(m_units);
    left->addWidget(m_timeline);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 2);
    auto *body = new QSplitter(Qt::Horizontal);
    body->addWidget(left);
    body->addWidget(m_tabs);
    // Even halves: the report (what a source contributed, skipped items,
    // errors with their files) needs the width as much as the unit table.
    body->setStretchFactor(0, 1);
    body->setStretchFactor(1, 1);
    body->setSizes({500, 500});

    auto *runPane = new QWidget;
    auto *runLayout = new QVBoxLayout(runPane);
    runLayout->setContentsMargins(0, 0, 0, 0);
    runLayout->addLayout(controls);
    runLayout->addWidget(m_status);
    runLayout->addWidget(m_header);
    runLayout->addWidget(m_phaseBar);
    runLayout->addWidget(m_rateLimit);
    runLayout->addWidget(body, 1);

    auto *outer = new QSplitter(Qt::Horizontal);
    outer->addWidget(m_browser);
    outer->addWidget(runPane);
    outer->setStretchFactor(0, 1);
    outer->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(outer);

    connect(m_start, &QPushButton::clicked, this, [this] {
        const QString id = m_connection->currentData().toString();
        if (auto started = startIngest(id.isEmpty() ? QStringList() : QStringList {id});
            !started.ok())
            m_status->setText(started.error().message);
    });
    connect(m_cancel, &QPushButton::clicked, this, &IngestView::cancel);
    connect(m_browser, &RunBrowser::runActivated, this, [this](const QString &runId) {
        if (auto opened = openRun(runId); !opened.ok())
            m_status->setText(opened.error().message);
    });
    // Header text changes relayout the pane; a few times a second is plenty
    // while thousands of events a second arrive.
    m_headerThrottle->setSingleShot(true);
    m_headerThrottle->setInterval(HeaderIntervalMs);
    connect(m_headerThrottle, &QTimer::timeout, this, &IngestView::updateHeader);
    connect(m_model, &RunEventModel::headerChanged, this, [this] {
        if (!m_headerThrottle->isActive())
            m_headerThrottle->start();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &IngestView::updateHeader);
    connect(m_units->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                const RunEventModel::Unit *unit = m_model->unit(current.row());
                const QString key = unit ? unit->key : QString();
                m_transcript->showUnit(key);
                m_timeline->setSelectedUnit(key);
            });
    connect(m_timeline, &UnitTimeline::unitClicked, this, &IngestView::selectUnit);
    connect(m_reportLoader, &RunReportLoader::loaded, this, [this](const RunReportData &data) {
        m_reportDocument.setData(data);
        renderReport();
        Q_EMIT reportShown(data.runId);
    });
    connect(m_report, &QTextBrowser::anchorClicked, this, &IngestView::followReportLink);
    // Elapsed time, the rate-limit countdown and growing timeline bars.
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, [this] {
        updateHeader();
        m_timeline->update();
    });

    connect(m_job, &IngestJob::started, this, [this](const QString &runId, RunEventLog *log) {
        m_model->clear();
        m_reportLoader->clear();
        m_reportDocument.clear();
        renderReport();
        m_tabs->setCurrentWidget(m_transcript);
        followLog(log);
        m_tick->start();
        updateButtons();
        Q_EMIT runStarted(runId);
    });
    connect(m_job, &IngestJob::scanning, this, [this](const QString &connectionId) {
        m_status->setText(tr("Scanning the schema of %1…").arg(connectionId));
    });
    connect(m_job, &IngestJob::finished, this,
            [this](const QString &runId, const QString &status, const QString &message) {
                // The run's last events must be in the model before it reports the end.
                if (!m_backlog.isEmpty() && m_followed == m_job->eventLog()) {
                    m_model->appendEvents(m_backlog);
                    m_backlog.clear();
                }
                m_status->setText(message.isEmpty()
                                      ? tr("Run %1: %2").arg(runId, status)
                                      : tr("Run %1: %2 — %3").arg(runId, status, message));
                m_browser->reload();
                m_browser->selectRun(runId);
                showReport(runId);
                updateHeader();
                const bool more = !m_queue.isEmpty() && !m_cancelled;
                if (!more) {
                    m_tick->stop();
                    m_queue.clear();
                }
                updateButtons();
                Q_EMIT runFinished(runId, status, message);
                if (more)
                    startNext();
            });
    renderReport();
    updateHeader();
    updateButtons();
}

IngestView::~IngestView() = default;

void IngestView::setProject(const QString &projectDir)
{
    if (isRunning())
        cancel();
    m_projectDir = projectDir;
    m_model->clear();
    m_reportLoader->clear();
    m_reportDocument.clear();
    renderReport();
    m_status->clear();
    m_connection->clear();
    m_connection->addItem(tr("All connections"), QString());
    if (!projectDir.isEmpty()) {
        if (auto loaded = ConfigLoader::loadFile(projectDir + QStringLiteral("/ktx.yaml"));
            loaded.ok())
            for (const QString &id : loaded->config.databaseConnectionIds())
                m_connection->addItem(id, id);
    }
    m_browser->setProject(projectDir);
    updateButtons();
}

void IngestView::clear()
{
    setProject({});
}

void IngestView::setOptionsAdjuster(std::function<void(IngestRunOptions &)> adjuster)
{
    m_adjuster = std::move(adjuster);
}

bool IngestView::isRunning() const
{
    return m_job->isRunning();
}

QString IngestView::shownRunId() const
{
    return m_model->header().runId;
}

Result<void> IngestView::startIngest(const QStringList &connectionIds)
{
    if (m_projectDir.isEmpty())
        return makeError(QStringLiteral("no_project"), tr("Open a project first."));
    if (isRunning())
        return makeError(QStringLiteral("busy"), tr("An ingest is already running."),
                         tr("Wait for it or cancel it."));
    QStringList ids = connectionIds;
    if (ids.isEmpty()) {
        auto loaded = ConfigLoader::loadFile(m_projectDir + QStringLiteral("/ktx.yaml"));
        if (!loaded.ok())
            return loaded.error();
        ids = loaded->config.databaseConnectionIds();
    }
    if (ids.isEmpty())
        return makeError(QStringLiteral("nothing_to_ingest"),
                         tr("The project has no database connection to ingest."),
                         tr("Add one in the setup wizard."));
    m_queue = ids;
    m_cancelled = false;
    startNext();
    return {};
}

void IngestView::startNext()
{
    if (m_queue.isEmpty())
        return;
    const QString id = m_queue.takeFirst();
    const auto fail = [this, id](const QString &message) {
        m_status->setText(tr("%1: %2").arg(id, message));
        m_queue.clear();
        updateButtons();
        Q_EMIT runFinished({}, QStringLiteral("error"), message);
    };
    auto loaded = ConfigLoader::loadFile(m_projectDir + QStringLiteral("/ktx.yaml"));
    if (!loaded.ok())
        return fail(loaded.error().message);
    IngestRunOptions options;
    options.projectDir = m_projectDir;
    options.config = loaded->config;
    options.connectionId = id;
    // The desktop default is review: nothing lands on the branch unasked.
    options.reviewMode = options.config.review.mode == QLatin1String("auto")
        ? QStringLiteral("auto")
        : QStringLiteral("review");
    options.appVersion = QCoreApplication::applicationVersion();
    if (auto llm = LlmSettings::fromConfig(options.config.llm, m_projectDir); llm.ok())
        options.llm = *llm;
    if (m_adjuster)
        m_adjuster(options);
    if (options.llm.backend.isEmpty() || options.llm.backend == QLatin1String("none"))
        return fail(tr("No model is configured. Choose one in the setup wizard (Model step)."));
    if (auto started = m_job->start(options); !started.ok())
        return fail(started.error().message);
    updateButtons(); // the job's thread exists only now
}

void IngestView::cancel()
{
    m_cancelled = true;
    m_queue.clear();
    m_job->cancel();
    m_status->setText(tr("Cancelling…"));
    updateButtons();
}

void IngestView::followLog(RunEventLog *log, qint64 afterSeq)
{
    if (m_followed)
        disconnect(m_followed, nullptr, this, nullptr);
    m_followed = log;
    m_backlog.clear();
    m_fedSeq = afterSeq;
    m_timeline->setLive(log != nullptr);
    if (log)
        connect(log, &RunEventLog::eventsAppended, this, [this](const QList<IngestEvent> &batch) {
            // Events already taken from log->events() when the live run was reopened.
            for (const IngestEvent &event : batch) {
                if (event.seq > m_fedSeq) {
                    m_backlog << event;
                    m_fedSeq = event.seq;
                }
            }
            if (m_backlog.isEmpty())
                return;
            if (!m_draining) {
                m_draining = true;
                QTimer::singleShot(0, this, &IngestView::drainBacklog);
            }
        });
}

void IngestView::drainBacklog()
{
    // A fast run delivers thousands of events per 50 ms batch; feeding them in
    // slices of bounded time keeps the GUI thread responsive (goal: no stall
    // over 16 ms). Order is kept, so the model ends up exactly as if fed at once.
    constexpr int SliceEvents = 200;
    constexpr qint64 BudgetNs = 6'000'000;
    QElapsedTimer budget;
    budget.start();
    while (!m_backlog.isEmpty() && budget.nsecsElapsed() < BudgetNs) {
        const qsizetype n = qMin<qsizetype>(SliceEvents, m_backlog.size());
        const QList<IngestEvent> slice = m_backlog.first(n);
        m_backlog.remove(0, n);
        m_model->appendEvents(slice);
    }
    if (m_backlog.isEmpty())
        m_draining = false;
    else
        QTimer::singleShot(0, this, &IngestView::drainBacklog);
}

Result<void> IngestView::openRun(const QString &runId)
{
    if (isRunning() && runId == m_job->runId()) {
        // The live run is already what the model shows unless another run was opened.
        if (m_followed == m_job->eventLog() && shownRunId() == runId)
            return {};
        followLog(nullptr);
        m_model->clear();
        const QList<IngestEvent> sofar = m_job->eventLog()->events();
        m_model->appendEvents(sofar);
        followLog(m_job->eventLog(), sofar.isEmpty() ? 0 : sofar.last().seq);
        Q_EMIT runOpened(runId);
        return {};
    }
    // A past run: stop following the live one (it keeps running).
    followLog(nullptr);
    if (auto loaded = m_model->loadFile(RunEventLog::pathFor(m_projectDir, runId)); !loaded.ok())
        return loaded;
    showReport(runId);
    // A finished run opens on its outcome (the transcript is one tab away); a
    // run cut short mid-way on its transcript.
    m_tabs->setCurrentWidget(m_model->header().finishedAtMs ? static_cast<QWidget *>(m_report)
                                                            : m_transcript);
    m_browser->selectRun(runId);
    m_status->setText(tr("Run %1 (from its event log)").arg(runId));
    // The first unit still running (where a cut-off run stopped), else the first.
    int row = 0;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        if (m_model->unit(r)->state == QLatin1String("running")) {
            row = r;
            break;
        }
    }
    if (m_model->rowCount() > 0)
        m_units->selectRow(row);
    Q_EMIT runOpened(runId);
    return {};
}

void IngestView::selectUnit(const QString &unitKey)
{
    const int row = m_model->rowOf(unitKey);
    if (row >= 0) {
        m_units->selectRow(row);
        m_units->scrollTo(m_model->index(row, 0));
    }
}

void IngestView::showReport(const QString &runId)
{
    // The run store is SQLite (and a note's cross references are git): read
    // on the thread pool, shown when the answer is back.
    m_report->clear();
    m_report->setPlaceholderText(tr("Reading the report of run %1…").arg(runId));
    m_reportLoader->load(m_projectDir, runId);
}

void IngestView::renderReport()
{
    if (m_reportDocument.isEmpty()) {
        m_report->clear();
        m_report->setPlaceholderText(tr("The report appears when the run has finished."));
        return;
    }
    m_reportDocument.setColors(ColorScheme::stateColor(ReadinessState::Fail, palette()).name(),
                               ColorScheme::secondaryText(palette()).name());
    const int scroll = m_report->verticalScrollBar()->value();
    m_report->setHtml(m_reportDocument.toHtml());
    m_report->verticalScrollBar()->setValue(scroll);
}

void IngestView::followReportLink(const QUrl &url)
{
    using Kind = RunReportDocument::Link::Kind;
    const RunReportDocument::Link link = RunReportDocument::parseLink(url);
    switch (link.kind) {
    case Kind::OpenInReview:
        Q_EMIT reviewRequested(link.runId);
        break;
    case Kind::SemanticSource:
        Q_EMIT semanticSourceRequested(link.connectionId, link.name);
        break;
    case Kind::WikiPage:
        Q_EMIT wikiPageRequested(link.name);
        break;
    case Kind::ToggleFiles:
        m_reportDocument.setFilesExpanded(!m_reportDocument.filesExpanded());
        renderReport();
        break;
    case Kind::None:
        break;
    }
}

void IngestView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // The report's error and secondary colours follow a light/dark switch.
    if (event->type() == QEvent::PaletteChange)
        renderReport();
}

void IngestView::updateHeader()
{
    const RunEventModel::Header &h = m_model->header();
    if (h.runId.isEmpty()) {
        m_header->setText(tr("<i>No run shown. Start an ingest or open a past run.</i>"));
        m_phaseBar->setValue(0);
        m_phaseBar->setFormat(tr("Not started"));
        m_rateLimit->setVisible(false);
        return;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // Live: fed by a log that is still being written (a job's, or a benchmark's).
    const bool live = h.status == QLatin1String("running") && m_followed;
    const qint64 end = h.finishedAtMs ? h.finishedAtMs : (live ? now : h.lastEventAtMs);
    // Rows in an end state, including the reconciliation (which has no UnitFinished).
    int finishedUnits = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QString &state = m_model->unit(row)->state;
        if (state != QLatin1String("planned") && state != QLatin1String("running"))
            ++finishedUnits;
    }
    const QString tokens = h.inputTokens < 0
        ? tr("n/a")
        : tr("%1 in / %2 out").arg(h.inputTokens).arg(h.outputTokens);
    const QString cost
        = h.costUsd < 0 ? tr("unknown") : QStringLiteral("$%1").arg(h.costUsd, 0, 'f', 4);
    m_header->setText(
        tr("<b>%1</b> · %2 · run %3<br>Status <b>%4</b> · phase <b>%5</b> · elapsed %6 · "
           "units %7/%8 (%9 failed) · steps %10 · tool calls %11 · tokens %12 · cost %13")
            .arg(h.connectionId.toHtmlEscaped(), h.sourceKey.toHtmlEscaped(),
                 h.runId.toHtmlEscaped(), h.status.toHtmlEscaped(), h.phase.toHtmlEscaped(),
                 elapsedText(end - h.startedAtMs))
            .arg(finishedUnits)
            .arg(m_model->rowCount())
            .arg(h.unitsFailed)
            .arg(h.steps)
            .arg(h.toolCalls)
            .arg(tokens, cost));
    const int phase = m_model->phaseIndex();
    const bool done = !h.finishedAtMs ? false : true;
    m_phaseBar->setValue(done ? m_phaseBar->maximum() : qMax(0, phase));
    m_phaseBar->setFormat(
        done ? tr("%1 (%2)").arg(h.status, h.phase)
             : tr("%1 (%2 of %3)").arg(h.phase).arg(phase + 1).arg(m_phaseBar->maximum()));
    const qint64 wait = h.rateLimitUntilMs - now;
    const bool waiting = live && wait > 0;
    m_rateLimit->setVisible(waiting);
    if (waiting)
        m_rateLimit->setText(tr("Rate limited: retrying in %1 s (%2)")
                                 .arg((wait + 999) / 1000)
                                 .arg(h.rateLimitReason.toHtmlEscaped()));
}

void IngestView::updateButtons()
{
    const bool open = !m_projectDir.isEmpty();
    m_start->setEnabled(open && !isRunning());
    m_connection->setEnabled(open && !isRunning());
    m_cancel->setEnabled(isRunning() && !m_cancelled);
}

} // namespace ktx
