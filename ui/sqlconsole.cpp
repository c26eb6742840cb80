#include "sqlconsole.h"

#include "codeeditor.h"
#include "colorscheme.h"
#include "db/queryjob.h"
#include "highlight/syntaxhighlighting.h"
#include "models/queryresultmodel.h"
#include "project/configloader.h"
#include "project/projectconfig.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QTime>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace ktx {

namespace {

constexpr int DefaultLimit = 1000;
constexpr int MaxLimit = 10000;

// Connections the console can open (ids and drivers), from ktx.yaml.
QList<QPair<QString, QString>> databaseConnections(const QString &projectDir)
{
    static const QStringList readable
        = {QStringLiteral("sqlite"), QStringLiteral("postgres"), QStringLiteral("postgresql"),
           QStringLiteral("mysql"), QStringLiteral("mariadb")};
    QList<QPair<QString, QString>> out;
    Result<LoadedConfig> loaded
        = ConfigLoader::loadFile(QDir(projectDir).filePath(QStringLiteral("ktx.yaml")));
    if (!loaded.ok())
        return out;
    for (const ConnectionConfig &c : loaded->config.connections) {
        if (readable.contains(c.driver.toLower()))
            out.append({c.id, c.driver});
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

SqlConsole::SqlConsole(QWidget *parent)
    : QWidget(parent)
    , m_job(new QueryJob(this))
    , m_results(new QueryResultModel(this))
    , m_history(new QStandardItemModel(this))
    , m_connection(new QComboBox)
    , m_limit(new QSpinBox)
    , m_runButton(new QPushButton(tr("&Run")))
    , m_cancelButton(new QPushButton(tr("Ca&ncel")))
    , m_editor(new CodeEditor)
    , m_errorBanner(new QLabel)
    , m_grid(new QTableView)
    , m_status(new QLabel)
    , m_historyView(new QListView)
{
    setObjectName(QStringLiteral("sqlConsole"));
    m_connection->setObjectName(QStringLiteral("consoleConnection"));
    m_connection->setAccessibleName(tr("Connection"));
    m_connection->setMinimumContentsLength(16);
    m_limit->setRange(1, MaxLimit);
    m_limit->setValue(DefaultLimit);
    m_limit->setAccessibleName(tr("Row limit"));
    m_runButton->setObjectName(QStringLiteral("runButton"));
    m_runButton->setToolTip(tr("Run the SQL read-only (Ctrl+Enter)"));
    m_cancelButton->setObjectName(QStringLiteral("cancelButton"));
    m_cancelButton->setToolTip(tr("Stop the running statement (Esc)"));
    connect(m_runButton, &QPushButton::clicked, this, &SqlConsole::run);
    connect(m_cancelButton, &QPushButton::clicked, this, &SqlConsole::cancel);

    auto *runAction = new QAction(this);
    runAction->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    runAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(runAction, &QAction::triggered, this, &SqlConsole::run);
    addAction(runAction);
    auto *cancelAction = new QAction(this);
    cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    cancelAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(cancelAction, &QAction::triggered, this, &SqlConsole::cancel);
    addAction(cancelAction);

    m_editor->setObjectName(QStringLiteral("sqlEditor"));
    m_editor->setAccessibleName(tr("SQL"));
    m_editor->setLanguage(SyntaxLanguage::Sql);
    m_editor->setPlaceholderText(tr("SELECT … — Ctrl+Enter runs it (read-only)."));
    m_editor->setTabChangesFocus(false);

    m_errorBanner->setObjectName(QStringLiteral("consoleError"));
    m_errorBanner->setWordWrap(true);
    m_errorBanner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorBanner->setAutoFillBackground(true);
    m_errorBanner->setContentsMargins(8, 6, 8, 6);
    m_errorBanner->hide();

    m_grid->setObjectName(QStringLiteral("resultGrid"));
    m_grid->setAccessibleName(tr("Results"));
    m_grid->setModel(m_results);
    m_grid->setAlternatingRowColors(true);
    m_grid->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_grid->verticalHeader()->setDefaultSectionSize(m_grid->fontMetrics().height() + 6);
    m_grid->horizontalHeader()->setStretchLastSection(true);
    m_status->setObjectName(QStringLiteral("consoleStatus"));
    m_status->setText(tr("Write a query and press Ctrl+Enter. Writes are refused."));

    m_historyView->setObjectName(QStringLiteral("historyList"));
    m_historyView->setAccessibleName(tr("History"));
    m_historyView->setModel(m_history);
    m_historyView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_historyView->setWordWrap(false);
    connect(m_historyView, &QListView::activated, this, [this](const QModelIndex &index) {
        m_editor->setPlainText(index.data(SqlRole).toString());
        selectConnection(index.data(ConnectionRole).toString());
        m_editor->setFocus();
    });

    auto *top = new QHBoxLayout;
    auto *connectionLabel = new QLabel(tr("C&onnection:"));
    connectionLabel->setBuddy(m_connection);
    auto *limitLabel = new QLabel(tr("&Limit:"));
    limitLabel->setBuddy(m_limit);
    top->addWidget(connectionLabel);
    top->addWidget(m_connection);
    top->addSpacing(12);
    top->addWidget(limitLabel);
    top->addWidget(m_limit);
    top->addStretch(1);
    top->addWidget(m_cancelButton);
    top->addWidget(m_runButton);

    auto *resultPane = new QWidget;
    auto *resultLayout = new QVBoxLayout(resultPane);
    resultLayout->setContentsMargins(0, 0, 0, 0);
    resultLayout->addWidget(m_errorBanner);
    resultLayout->addWidget(m_grid, 1);
    resultLayout->addWidget(m_status);

    auto *main = new QSplitter(Qt::Vertical);
    main->addWidget(m_editor);
    main->addWidget(resultPane);
    main->setStretchFactor(0, 2);
    main->setStretchFactor(1, 3);
    main->setChildrenCollapsible(false);

    auto *historyPane = new QWidget;
    auto *historyLayout = new QVBoxLayout(historyPane);
    historyLayout->setContentsMargins(0, 0, 0, 0);
    auto *historyLabel = new QLabel(tr("&History"));
    historyLabel->setBuddy(m_historyView);
    historyLayout->addWidget(historyLabel);
    historyLayout->addWidget(m_historyView, 1);

    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(main);
    split->addWidget(historyPane);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(m_job, &QueryJob::runningChanged, this, &SqlConsole::updateRunState);
    connect(m_job, &QueryJob::finished, this, [this](const QueryResult &result) {
        m_results->setResult(result);
        const qint64 ms = m_clock.isValid() ? m_clock.elapsed() : result.elapsedMs;
        QString text
            = (result.rows.size() == 1 ? tr("1 row") : tr("%1 rows").arg(result.rows.size()));
        if (result.truncated)
            text += tr(" (limit reached; more rows exist)");
        text += tr(" · %1 ms").arg(ms);
        m_status->setText(text);
        addHistory(m_runningSql, text);
        Q_EMIT resultsShown();
    });
    connect(m_job, &QueryJob::failed, this, [this](const Error &error) {
        m_results->clear();
        showError(error.toText());
        m_status->setText(tr("Failed"));
        addHistory(m_runningSql, tr("failed"));
        Q_EMIT runFailed(error.toText());
    });
    connect(m_job, &QueryJob::cancelled, this, [this] {
        m_results->clear();
        m_status->setText(tr("Cancelled after %1 ms").arg(m_clock.elapsed()));
        addHistory(m_runningSql, tr("cancelled"));
        Q_EMIT runCancelled();
    });
    setFocusProxy(m_editor);
    updateRunState();
}

SqlConsole::~SqlConsole() = default;

void SqlConsole::setProject(const QString &projectDir)
{
    if (projectDir == m_projectDir)
        return;
    clear();
    m_projectDir = projectDir;
    loadConnections();
}

void SqlConsole::clear()
{
    ++m_connectionsGeneration;
    m_job->cancel();
    m_projectDir.clear();
    m_connection->clear();
    m_results->clear();
    m_history->clear();
    m_status->setText(tr("Write a query and press Ctrl+Enter. Writes are refused."));
    showError({});
    updateRunState();
}

void SqlConsole::loadConnections()
{
    const quint64 generation = ++m_connectionsGeneration;
    using List = QList<QPair<QString, QString>>;
    auto *watcher = new QFutureWatcher<List>(this);
    connect(watcher, &QFutureWatcher<List>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_connectionsGeneration)
            return;
        m_connection->clear();
        for (const auto &[id, driver] : watcher->result())
            m_connection->addItem(tr("%1 (%2)").arg(id, driver), id);
        if (!m_pendingConnection.isEmpty()) {
            const int index = m_connection->findData(m_pendingConnection);
            if (index >= 0)
                m_connection->setCurrentIndex(index);
            m_pendingConnection.clear();
        }
        if (m_connection->count() == 0)
            showError(tr("This project has no database connection. Add one with Project ▸ Setup "
                         "Wizard."));
        updateRunState();
        Q_EMIT connectionsShown();
    });
    watcher->setFuture(QtConcurrent::run(databaseConnections, m_projectDir));
}

void SqlConsole::selectConnection(const QString &connectionId)
{
    const int index = m_connection->findData(connectionId);
    if (index >= 0)
        m_connection->setCurrentIndex(index);
    else
        m_pendingConnection = connectionId;
}

QString SqlConsole::currentConnection() const
{
    return m_connection->currentData().toString();
}

QStringList SqlConsole::connections() const
{
    QStringList ids;
    for (int i = 0; i < m_connection->count(); ++i)
        ids << m_connection->itemData(i).toString();
    return ids;
}

QString SqlConsole::statusText() const
{
    return m_status->text();
}

QString SqlConsole::errorText() const
{
    return m_error;
}

bool SqlConsole::isRunning() const
{
    return m_job->isRunning();
}

void SqlConsole::run()
{
    const QString sql = m_editor->toPlainText().trimmed();
    if (sql.isEmpty() || currentConnection().isEmpty() || m_job->isRunning())
        return;
    showError({});
    m_runningSql = sql;
    m_status->setText(tr("Running…"));
    m_clock.start();
    m_job->startForConnection(m_projectDir, currentConnection(), sql, m_limit->value());
}

void SqlConsole::cancel()
{
    if (!m_job->isRunning())
        return;
    m_status->setText(tr("Cancelling…"));
    m_job->cancel();
}

void SqlConsole::addHistory(const QString &sql, const QString &status)
{
    const QString firstLine = sql.section(QLatin1Char('\n'), 0, 0).simplified();
    auto *item
        = new QStandardItem(tr("%1  %2 — %3")
                                .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")),
                                     firstLine.left(80), status));
    item->setEditable(false);
    item->setToolTip(sql);
    item->setData(sql, SqlRole);
    item->setData(status, StatusRole);
    item->setData(currentConnection(), ConnectionRole);
    m_history->insertRow(0, item);
}

void SqlConsole::updateRunState()
{
    const bool running = m_job->isRunning();
    m_runButton->setEnabled(!running && m_connection->count() > 0);
    m_cancelButton->setEnabled(running);
    m_connection->setEnabled(!running);
}

void SqlConsole::showError(const QString &text)
{
    m_error = text;
    m_errorBanner->setText(text);
    m_errorBanner->setVisible(!text.isEmpty());
    QPalette pal = m_errorBanner->palette();
    pal.setColor(QPalette::Window, ColorScheme::stateTint(ReadinessState::Fail, palette(), 0.16));
    pal.setColor(QPalette::WindowText, palette().color(QPalette::Text));
    m_errorBanner->setPalette(pal);
}

} // namespace ktx
